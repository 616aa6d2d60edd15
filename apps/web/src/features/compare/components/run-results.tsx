import { CLIENT_LABELS, SCENARIO_LABELS } from '../labels.ts';
import type { RunResult } from '../scenarios.ts';
import type { Counts, TallyEvent } from '../tally.ts';

/** What the API's codes mean here, in words. */
const CODE_WORDS: Record<string, string> = {
  refresh_reused: 'the API saw a refresh token used twice and ended the session',
  session_revoked: 'the session had been ended',
  refresh_missing: 'no refresh cookie left',
  refresh_invalid: 'a refresh token the API does not know',
  refresh_expired: 'the session had expired',
  invalid_token: 'the access token was refused',
  rate_limited: "over the API's rate limit",
  ERR_CANCELED: 'cancelled by the client',
};

export const explainCode = (code: string) => (CODE_WORDS[code] ? `${code}: ${CODE_WORDS[code]}` : code);

const list = (table: Record<string, number>) =>
  Object.entries(table)
    .sort(([, a], [, b]) => b - a)
    .map(([code, n]) => `${n} × ${code}`)
    .join(', ');

/**
 * Why the session ended: a reused refresh token if the API saw one, else its first refusal of a
 * refresh, else what the check after the run heard (refresh_missing once a refusal has cleared the cookie).
 */
export function endCodeOf(run: RunResult): string | null {
  if (run.error || run.session.survived) return null;
  if (run.counts.refreshAnswers.refresh_reused) return 'refresh_reused';
  const refusal = run.events.find((event) => event.type === 'refresh-answered' && event.status !== 200);
  return (refusal?.type === 'refresh-answered' ? refusal.code : null) ?? run.session.code;
}

function sessionText(run: RunResult): string {
  if (run.error) return 'not run';
  if (run.session.survived) return 'kept';
  const code = endCodeOf(run);
  return `lost (${code ? explainCode(code) : 'no answer'})`;
}

/** One line of a summary: the figures a reader compares first. */
export function summaryOf(run: RunResult): string {
  if (run.error) return `${CLIENT_LABELS[run.client].name}: the run could not be made (${run.error}).`;
  const { refreshes, retries, failed } = run.counts;
  return `${CLIENT_LABELS[run.client].name}, ${SCENARIO_LABELS[run.scenario].name.toLowerCase()}: ${refreshes} refresh${refreshes === 1 ? '' : 'es'} sent, ${retries} retr${retries === 1 ? 'y' : 'ies'}, ${failed} of ${run.perTab ? run.calls * 2 : run.calls} calls failed, session ${sessionText(run)}.`;
}

function CountsCells({ counts }: { counts: Counts }) {
  return (
    <>
      <td>
        {counts.refreshes}
        {counts.refreshes > 0 ? <span className="compare-answers"> ({list(counts.refreshAnswers)})</span> : null}
      </td>
      <td>{counts.retries}</td>
      <td>
        {counts.failed}
        {counts.failed > 0 ? <span className="compare-answers"> ({list(counts.failureCodes)})</span> : null}
      </td>
    </>
  );
}

/**
 * Every run of this page load, newest first. Each row also carries its figures as JSON
 * (`data-run`), which the end-to-end test and `npm run bench` read.
 */
export function RunTable({ runs }: { runs: readonly RunResult[] }) {
  if (runs.length === 0) return <p className="note">No runs yet: pick a client and a scenario above.</p>;
  return (
    <div className="compare-table">
      <table>
        <caption>Runs on this page, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Client</th>
            <th scope="col">Scenario</th>
            <th scope="col">Calls</th>
            <th scope="col">Refreshes sent (answers)</th>
            <th scope="col">Retries</th>
            <th scope="col">Failed calls</th>
            <th scope="col">Session</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr
              key={run.id}
              data-run={JSON.stringify({
                client: run.client,
                scenario: run.scenario,
                calls: run.calls,
                counts: run.counts,
                perTab: run.perTab,
                session: { ...run.session, endedBy: endCodeOf(run) },
                error: run.error,
              })}
            >
              <th scope="row">{CLIENT_LABELS[run.client].name}</th>
              <td>{SCENARIO_LABELS[run.scenario].name}</td>
              <td>{run.perTab ? `${run.calls} per tab` : run.calls}</td>
              {run.error ? <td colSpan={3}>not run: {run.error}</td> : <CountsCells counts={run.counts} />}
              <td className={run.error || run.session.survived ? undefined : 'compare-lost'}>{sessionText(run)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function describe(event: TallyEvent): { text: string; kind: 'request' | 'refresh' | 'problem' | 'session' } {
  const tab = event.tab === 'second' ? 'second tab: ' : '';
  switch (event.type) {
    case 'refresh-sent':
      return { kind: 'refresh', text: `${tab}POST /auth/refresh sent` };
    case 'refresh-answered':
      return event.status === 200
        ? { kind: 'refresh', text: `${tab}refresh answered 200: new token and cookie` }
        : {
            kind: 'problem',
            text: `${tab}refresh answered ${event.status ?? 'nothing'} ${event.code ? explainCode(event.code) : ''}`.trim(),
          };
    case 'call-sent':
      return event.retry ? { kind: 'request', text: `${tab}call retried` } : { kind: 'request', text: `${tab}call sent` };
    case 'call-failed':
      return { kind: 'problem', text: `${tab}call failed: ${explainCode(event.code)}` };
    case 'session-ended':
      return { kind: 'session', text: `${tab}the client told the app the session ended (${event.code})` };
  }
}

type Line = { id: number; at: number; text: string; kind: string; count: number };

/** Repeats of one event close together read as one line ×N, as on the dashboard's timeline. */
function linesOf(events: readonly TallyEvent[]): Line[] {
  const lines: Line[] = [];
  for (const event of events) {
    const { text, kind } = describe(event);
    const last = lines.at(-1);
    if (last && last.text === text && event.at - last.at <= 1_000) last.count++;
    else lines.push({ id: lines.length, at: event.at, text, kind, count: 1 });
  }
  return lines;
}

/** The newest run, event by event: what each tab sent and what the API answered. */
export function RunTimeline({ run }: { run: RunResult }) {
  const lines = linesOf(run.events);
  return (
    <section className="timeline" aria-labelledby="compare-timeline-heading">
      <h2 id="compare-timeline-heading">Token timeline of the last run</h2>
      <p className="note">{summaryOf(run)}</p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1) */}
      <ol className="timeline-list" tabIndex={0} aria-label="Events of the last run">
        {lines.map((line) => (
          <li key={line.id} className={`entry entry-${line.kind}`}>
            <time>+{Math.max(0, Math.round(line.at - run.firedAt))} ms</time> {line.text}
            {line.count > 1 ? <strong className="count"> ×{line.count}</strong> : null}
          </li>
        ))}
        {run.error ? null : (
          <li className={`entry entry-${run.session.survived ? 'refresh' : 'session'}`}>
            After the run:{' '}
            {run.session.survived ? 'a refresh still works, the session survived' : `the session is gone (${sessionText(run)})`}
          </li>
        )}
      </ol>
    </section>
  );
}
