import { useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { useSearchParams } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Page } from '../../../components/ui/page.tsx';
import { useServices } from '../../../lib/services.tsx';
import { revokeCurrentSession } from '../api/revoke-current-session.ts';
import { CLIENT_KINDS, CLIENT_LABELS, type ClientKind, SCENARIO_LABELS, SCENARIOS, type Scenario } from '../labels.ts';
import { openRunChannel, secondTabPath } from '../run-channel.ts';
import { createRunLog } from '../run-log.ts';
import { type RunPhase, runScenario, runSecondTab, type SecondTab } from '../scenarios.ts';
import { RunTable, RunTimeline, summaryOf } from './run-results.tsx';
import './compare.css';

// The runs must outlive this page's component: a run that ends the session sends the app to the
// sign-in page, and after signing in the user comes back here to its figures. So the log lives as
// long as the page load, in memory, and no longer.
const runLog = createRunLog();

const DEFAULT_CALLS = 20;
const MAX_CALLS = 100;
/** A second tab loads the whole app and restores the session first; a blocked pop-up never answers. */
const SECOND_TAB_READY_MS = 30_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const newRunId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
const isClientKind = (value: string | null): value is ClientKind => CLIENT_KINDS.includes(value as ClientKind);
const callsFrom = (value: string | null) => Math.min(MAX_CALLS, Math.max(1, Math.round(Number(value)) || DEFAULT_CALLS));

/** The compare page, or, opened by its two-tab scenario, that run's second tab. */
export function ComparePage() {
  const [params] = useSearchParams();
  const run = params.get('second-tab');
  const kind = params.get('client');
  if (run && isClientKind(kind)) return <SecondTabPage run={run} kind={kind} calls={callsFrom(params.get('calls'))} />;
  return <ComparisonPage />;
}

/** Seconds left to `until`; role=timer is not announced on every tick. */
function Countdown({ until }: { until: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.ceil((until - now) / 1000));
  return (
    <p className="countdown" role="timer" aria-label="Time left">
      <strong>{left} s</strong>
    </p>
  );
}

function PhaseStatus({ phase, done }: { phase: RunPhase | null; done: string }) {
  return (
    <div className="compare-status">
      <p role="status">{phase ? `${phase.text}…` : done}</p>
      {phase?.type === 'waiting' ? <Countdown until={phase.until} /> : null}
    </div>
  );
}

function ComparisonPage() {
  const { client, config } = useServices();
  // The choice is kept in the address too, so that signing in again (which comes back to it) keeps it;
  // the page's state is the one the controls show at once.
  const [params, setParams] = useSearchParams();
  const [kind, setKind] = useState<ClientKind>(() => {
    const chosen = params.get('client');
    return isClientKind(chosen) ? chosen : 'ours';
  });
  const [calls, setCalls] = useState(() => callsFrom(params.get('calls')));
  const choose = (next: { client?: ClientKind; calls?: number }) => {
    if (next.client) setKind(next.client);
    if (next.calls) setCalls(next.calls);
    setParams({ client: next.client ?? kind, calls: String(next.calls ?? calls) }, { replace: true });
  };
  // What is typed may be empty for a moment; the runs use the last whole number from 1 to MAX_CALLS.
  const [callsText, setCallsText] = useState(String(calls));
  const [phase, setPhase] = useState<RunPhase | null>(null);
  const runs = useSyncExternalStore(runLog.subscribe, runLog.getRuns);
  const ids = useId();
  const latest = runs[0];

  function start(scenario: Scenario) {
    const id = newRunId();
    let secondTab: SecondTab | undefined;
    if (scenario === 'two-tabs') {
      // Listening before the tab exists, so that its first word cannot be missed; opened here, in
      // the click, because a pop-up opened later is blocked. `noopener` makes it a tab of its own,
      // with its own renderer process and event loop as a tab the user opens has, not one that
      // shares this page's thread. So there is no handle: the tab closes itself.
      const channel = openRunChannel();
      const ready = channel.next(id, 'ready', SECOND_TAB_READY_MS).then(({ expiresAt }) => ({ expiresAt }));
      ready.catch(() => {});
      window.open(secondTabPath(id, kind, calls), '_blank', 'popup,noopener,width=560,height=600');
      secondTab = { run: id, channel, ready, close: () => channel.close() };
    }
    setPhase({ type: 'starting', text: 'Starting' });
    void runScenario(
      { id, kind, scenario, calls, secondTab },
      {
        baseURL: config.apiUrl,
        now: Date.now,
        sleep,
        revokeSession: () => revokeCurrentSession(client),
        onPhase: setPhase,
      },
    ).then((result) => {
      runLog.add(result);
      setPhase(null);
    });
  }

  const lost = latest && !latest.error && !latest.session.survived;
  return (
    <Page title="Compare refresh clients">
      <section className="card" aria-labelledby={`${ids}-about`}>
        <h2 id={`${ids}-about`}>Our client beside the usual ones</h2>
        <p>
          The refresh code people copy from guides logs users out at random, sends storms of refreshes or fails calls. Here each of those
          patterns runs on its own axios instance in this page, against the same API as our client, with the token in memory, and the
          figures are what happened: real expiry, the API's real answers. The patterns' code is in the web app's{' '}
          <code>features/compare/naive-clients/</code> folder; why each fails is in <code>docs/design.md</code>.
        </p>
        <p>
          Every client here uses <strong>your session</strong>, as another tab of this app would: the browser has one refresh cookie. A
          client that loses the session signs you out, as it would sign out its users; sign in again and you come back to this page and its
          figures. The API counts the refreshes against its rate limits (<code>REFRESH_RATE_LIMIT</code>, <code>AUTH_RATE_LIMIT</code>), so
          a long session of storms can meet <code>rate_limited</code>. This API's <code>REFRESH_REUSE_GRACE</code> (10 s by default) lets
          two tabs refresh one cookie at once; without it, the naive clients' two tabs lose the session (the README's table).
        </p>
      </section>

      <section className="card" aria-labelledby={`${ids}-setup`}>
        <h2 id={`${ids}-setup`}>Client and calls</h2>
        <fieldset className="compare-clients" disabled={phase !== null}>
          <legend>Client under test</legend>
          {CLIENT_KINDS.map((option) => (
            <label key={option} className="compare-client">
              <input type="radio" name="client" value={option} checked={kind === option} onChange={() => choose({ client: option })} />
              <span>
                <strong>{CLIENT_LABELS[option].name}</strong>: {CLIENT_LABELS[option].detail}
              </span>
            </label>
          ))}
        </fieldset>
        <div className="field compare-calls">
          <label htmlFor={`${ids}-calls`}>Calls per run (and per tab)</label>
          <input
            id={`${ids}-calls`}
            type="number"
            min={1}
            max={MAX_CALLS}
            value={callsText}
            disabled={phase !== null}
            onChange={(event) => {
              setCallsText(event.target.value);
              const typed = Number(event.target.value);
              if (Number.isInteger(typed) && typed >= 1 && typed <= MAX_CALLS) choose({ calls: typed });
            }}
          />
        </div>
      </section>

      <section className="card" aria-labelledby={`${ids}-scenarios`}>
        <h2 id={`${ids}-scenarios`}>Scenarios</h2>
        <p className="note">
          Each run first restores the session from the cookie, as a page load does, and waits for that token to expire for real: the access
          token's lifetime here, <code>ACCESS_TOKEN_TTL</code>.
        </p>
        <ul className="compare-scenarios">
          {SCENARIOS.map((scenario) => (
            <li key={scenario}>
              <button
                type="button"
                className="button"
                disabled={phase !== null}
                aria-describedby={`${ids}-${scenario}`}
                onClick={() => start(scenario)}
              >
                {SCENARIO_LABELS[scenario].name}
              </button>
              <p id={`${ids}-${scenario}`} className="hint">
                {SCENARIO_LABELS[scenario].detail(calls)}
              </p>
            </li>
          ))}
        </ul>
        <PhaseStatus phase={phase} done={latest ? `Done. ${summaryOf(latest)}` : ''} />
        {lost ? <SessionLost /> : null}
      </section>

      <section className="card" aria-labelledby={`${ids}-runs`}>
        <div className="section-heading">
          <h2 id={`${ids}-runs`}>Runs</h2>
          <button type="button" className="button small" onClick={runLog.clear} disabled={runs.length === 0}>
            Clear
          </button>
        </div>
        <RunTable runs={runs} />
      </section>
      {latest && !latest.error ? <RunTimeline run={latest} /> : null}
    </Page>
  );
}

/** After a run that lost the session: the app finds out at its next call; this lets the user go now. */
function SessionLost() {
  const { client } = useServices();
  return (
    <Alert tone="error">
      <p>The session is over, for this app too. Sign in again to make another run: you come back here, and the figures stay.</p>
      {/* The app's own client asks once; the refused refresh takes it to the sign-in page, as any session end does. */}
      <button type="button" className="button" onClick={() => void client.refreshSession().catch(() => {})}>
        Sign in again
      </button>
    </Alert>
  );
}

/** The second tab of a two-tab run: makes its calls when the first tab says, reports, and closes. */
function SecondTabPage(props: { run: string; kind: ClientKind; calls: number }) {
  const { config } = useServices();
  const [phase, setPhase] = useState<RunPhase | null>({ type: 'starting', text: 'Starting' });
  const started = useRef(false);
  const { run, kind, calls } = props;
  useEffect(() => {
    // StrictMode runs effects twice; the run must happen once.
    if (started.current) return;
    started.current = true;
    const channel = openRunChannel();
    void runSecondTab({ run, kind, calls, channel }, { baseURL: config.apiUrl, now: Date.now, sleep, onPhase: setPhase }).finally(() => {
      channel.close();
      setPhase(null);
      window.close();
    });
  }, [run, kind, calls, config.apiUrl]);
  return (
    <Page title="Compare: the second tab">
      <p>
        This tab is the second tab of a two-tab run of <strong>{CLIENT_LABELS[kind].name}</strong>. It closes by itself when the run is
        done.
      </p>
      <PhaseStatus phase={phase} done="Done: the first tab shows the figures." />
    </Page>
  );
}
