import { CSRF_HEADER } from '@spa-auth/contract/wire';
import { type ClientUnderTest, createClientUnderTest } from './clients.ts';
import { type ClientKind, type Scenario, STREAM_GAP_MS } from './labels.ts';
import type { RunChannel } from './run-channel.ts';
import { type Counts, codeOf, countsOf, createTally, type Tally, type TallyEvent } from './tally.ts';

/** How long the page waits for the API to refuse a token its clock says has expired (the API's CLOCK_TOLERANCE). */
const REFUSAL_LIMIT_MS = 30_000;
const PROBE_EVERY_MS = 100;
const SECOND_TAB_LIMIT_MS = 60_000;
const SPIN_MS = 25;

/** What the page shows while a run is on its way. */
export type RunPhase =
  | { type: 'starting'; text: string }
  | { type: 'waiting'; until: number; text: string }
  | { type: 'running'; text: string };

export type SessionOutcome = { survived: boolean; code: string | null };

export type RunResult = {
  id: string;
  client: ClientKind;
  scenario: Scenario;
  calls: number;
  /** When the calls began (epoch ms); event times are shown from here. */
  firedAt: number;
  counts: Counts;
  /** The two-tab scenario's counts per tab; the totals are in `counts`. */
  perTab: { first: Counts; second: Counts } | null;
  /** Whether a refresh works after the run: the session survived it, or the API's answer. */
  session: SessionOutcome;
  events: TallyEvent[];
  /** The run itself could not be done (no session to start from, a blocked pop-up): no figures. */
  error: string | null;
};

/** The second tab of a two-tab run: opened by the page in the click (a pop-up needs the user's gesture). */
export type SecondTab = { run: string; channel: RunChannel; ready: Promise<{ expiresAt: number | null }>; close(): void };

export type ScenarioDeps = {
  baseURL: string;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Ends the session as another device would. */
  revokeSession(): Promise<void>;
  onPhase(phase: RunPhase): void;
};

const apiUrl = (baseURL: string, path: string) => `${baseURL.replace(/\/$/, '')}${path}`;

/** Whether the API refuses `token` now: a plain GET /api/me with it, outside every client. */
async function isRefused(baseURL: string, token: string): Promise<boolean> {
  const response = await fetch(apiUrl(baseURL, '/api/me'), { headers: { Authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  return response.status === 401;
}

/**
 * After a run: does a refresh from the cookie still work? The page asks the API directly, as the
 * next page load would. 200 means the session survived; a 401's code says why it did not.
 */
export async function probeSession(baseURL: string): Promise<SessionOutcome> {
  const response = await fetch(apiUrl(baseURL, '/auth/refresh'), {
    method: 'POST',
    credentials: 'include',
    headers: { [CSRF_HEADER.name]: CSRF_HEADER.value },
  });
  if (response.ok) {
    await response.body?.cancel();
    return { survived: true, code: null };
  }
  const body = (await response.json().catch(() => null)) as { code?: string } | null;
  return { survived: false, code: body?.code ?? `HTTP ${response.status}` };
}

/**
 * Waits for a real expiry: until the token's expiry, then, for a client whose token the page can
 * see, until the API refuses it (the API takes a token up to its CLOCK_TOLERANCE after `exp`).
 * Ours keeps its token to itself and goes by its own clock, as it always does. Returns how long
 * after the expiry the API was found refusing it.
 */
async function waitUntilRefused(client: ClientUnderTest, deps: ScenarioDeps, what: string): Promise<number> {
  const expiresAt = client.expiresAt();
  if (expiresAt === null) throw new Error('the client has no token');
  deps.onPhase({ type: 'waiting', until: expiresAt, text: `Waiting for ${what} to expire` });
  await deps.sleep(Math.max(0, expiresAt - deps.now()));
  const token = client.token();
  if (!token) return 0;
  const deadline = deps.now() + REFUSAL_LIMIT_MS;
  while (!(await isRefused(deps.baseURL, token))) {
    if (deps.now() > deadline) throw new Error('the API still takes the token 30 s after it expired');
    deps.onPhase({
      type: 'waiting',
      until: deps.now(),
      text: 'The token has expired; waiting for the API to refuse it (its CLOCK_TOLERANCE)',
    });
    await deps.sleep(PROBE_EVERY_MS);
  }
  return Math.max(0, deps.now() - expiresAt);
}

/**
 * Until `at`, to the millisecond: the two tabs of a run fire together. Timers fire late by a few ms,
 * more in a busy page, so the last stretch is a short spin on the clock.
 */
async function sleepUntil(at: number, deps: Pick<ScenarioDeps, 'now' | 'sleep'>): Promise<void> {
  const coarse = at - deps.now() - SPIN_MS;
  if (coarse > 0) await deps.sleep(coarse);
  while (deps.now() < at) {
    // spin: at most SPIN_MS
  }
}

/** Calls `client` `calls` times, at once or `gapMs` apart, and records each call that fails. */
async function makeCalls(client: ClientUnderTest, tally: Tally, calls: number, deps: ScenarioDeps, gapMs = 0): Promise<void> {
  const pending: Promise<unknown>[] = [];
  for (let call = 0; call < calls; call++) {
    pending.push(client.call(call).catch((error: unknown) => tally.record({ type: 'call-failed', call, code: codeOf(error) })));
    if (gapMs > 0 && call < calls - 1) await deps.sleep(gapMs);
  }
  await Promise.all(pending);
}

function clientFor(kind: ClientKind, tally: Tally, baseURL: string): ClientUnderTest {
  return createClientUnderTest(kind, {
    baseURL,
    axios: { adapter: tally.adapter },
    onSessionEnded: (code) => tally.record({ type: 'session-ended', code }),
  });
}

const byTime = (a: TallyEvent, b: TallyEvent) => a.at - b.at;

/**
 * Runs one scenario for one client against the API, in this tab (and, for two tabs, the second tab
 * the page opened). Every figure is what happened: real expiry, real answers, the session probed
 * at the end. Never throws: a run that could not be made carries its `error`.
 */
export async function runScenario(
  options: { id: string; kind: ClientKind; scenario: Scenario; calls: number; secondTab?: SecondTab },
  deps: ScenarioDeps,
): Promise<RunResult> {
  const { id, kind, scenario, calls, secondTab } = options;
  // What a run is of, in its result whether it was made or not.
  const run = { id, client: kind, scenario, calls };
  const tally = createTally('first', deps.now);
  const client = clientFor(kind, tally, deps.baseURL);
  let firedAt = deps.now();
  let theirs: TallyEvent[] = [];
  try {
    deps.onPhase({ type: 'starting', text: 'Restoring the session from the cookie, as a page load does (not counted)' });
    await client.start();
    if (scenario === 'revoked') {
      deps.onPhase({ type: 'running', text: 'Ending the session, as another device would' });
      await deps.revokeSession();
    } else if (scenario === 'two-tabs') {
      if (!secondTab) throw new Error('no second tab');
      deps.onPhase({ type: 'starting', text: 'Waiting for the second tab to restore the session' });
      const ready = await secondTab.ready;
      const late = await waitUntilRefused(client, deps, "both tabs' tokens");
      firedAt = Math.max(deps.now() + 100, (ready.expiresAt ?? 0) + late + PROBE_EVERY_MS);
      const done = secondTab.channel.next(secondTab.run, 'done', SECOND_TAB_LIMIT_MS);
      secondTab.channel.post({ type: 'fire', run: secondTab.run, at: firedAt });
      deps.onPhase({ type: 'waiting', until: firedAt, text: 'Both tokens refused; the tabs fire together in' });
      await sleepUntil(firedAt, deps);
      tally.begin();
      deps.onPhase({ type: 'running', text: `Each tab makes ${calls} calls` });
      const [, second] = await Promise.all([makeCalls(client, tally, calls, deps), done]);
      theirs = second.events;
    } else {
      await waitUntilRefused(client, deps, 'the access token');
    }
    if (scenario !== 'two-tabs') {
      tally.begin();
      firedAt = deps.now();
      deps.onPhase({
        type: 'running',
        text: scenario === 'straddle' ? `${calls} calls, one every ${STREAM_GAP_MS} ms` : `${calls} calls at once`,
      });
      await makeCalls(client, tally, calls, deps, scenario === 'straddle' ? STREAM_GAP_MS : 0);
    }
    deps.onPhase({ type: 'running', text: 'Checking whether the session survived (one refresh, not counted)' });
    const session = await probeSession(deps.baseURL);
    const events = [...tally.events(), ...theirs].sort(byTime);
    return {
      ...run,
      firedAt,
      counts: countsOf(events),
      perTab: scenario === 'two-tabs' ? { first: countsOf(tally.events()), second: countsOf(theirs) } : null,
      session,
      events,
      error: null,
    };
  } catch (error) {
    return {
      ...run,
      firedAt,
      counts: countsOf([]),
      perTab: null,
      session: { survived: false, code: null },
      events: [],
      error: (error as Error).message,
    };
  } finally {
    client.dispose();
    secondTab?.close();
  }
}

/**
 * The second tab's part of a two-tab run: restore, say when its token expires, fire when told,
 * report what it saw. Runs in the tab the page opened; that tab closes itself afterwards.
 */
export async function runSecondTab(
  options: { run: string; kind: ClientKind; calls: number; channel: RunChannel },
  deps: Pick<ScenarioDeps, 'baseURL' | 'now' | 'sleep' | 'onPhase'>,
): Promise<void> {
  const { run, kind, calls, channel } = options;
  const tally = createTally('second', deps.now);
  const client = clientFor(kind, tally, deps.baseURL);
  try {
    deps.onPhase({ type: 'starting', text: 'Restoring the session from the cookie (not counted)' });
    await client.start();
    const fire = channel.next(run, 'fire', SECOND_TAB_LIMIT_MS);
    channel.post({ type: 'ready', run, expiresAt: client.expiresAt() });
    const { at } = await fire;
    deps.onPhase({ type: 'waiting', until: at, text: 'Firing together with the first tab in' });
    await sleepUntil(at, deps);
    tally.begin();
    deps.onPhase({ type: 'running', text: `${calls} calls at once` });
    await makeCalls(client, tally, calls, { ...deps, revokeSession: async () => {} });
    channel.post({ type: 'done', run, events: [...tally.events()] });
  } catch (error) {
    channel.post({ type: 'failed', run, error: (error as Error).message });
  } finally {
    client.dispose();
  }
}
