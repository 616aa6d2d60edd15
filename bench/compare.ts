// The compare page's clients in a real Chromium (Playwright's library, the system's Chromium), against
// the bench's own API: ours and the three patterns the guides show, every scenario, five times each.
// The production build of the web app (made for a same-origin API) behind nginx with the project's
// configuration, in front of two API children: one with the API's default reuse grace (10 s) for the
// burst, straddle and revoked scenarios, one with none (1 ms, the least it takes) for two tabs, as
// the README's table states. 3 s access tokens and no clock tolerance, so that each run waits two
// or three seconds for a real expiry. The API counts a token's exp in whole seconds, so a token issued
// late in a second lives a second less than its TTL: a 3 s token at least two seconds, longer than
// the slowest two-tab run of ours seen on two busy cores (1.4 s for 100 calls). With 2 s tokens (a
// second at least) 3 of 20 such runs outlived the token their refresh had just issued, and ours
// rightly refreshed again for its 401s: one refresh per expiry, but two in a run. Each
// client runs in browser contexts of its own (one per API: both are on 127.0.0.1, whose one refresh
// cookie they would share otherwise), one client after the other.
import { randomBytes } from 'node:crypto';
import { type Browser, type BrowserContext, chromium } from '@playwright/test';
import { startNginx } from '../deploy/test/support/nginx.ts';
import {
  CLIENT_KINDS,
  type ClientKind,
  ComparePage,
  type RunFigures,
  registerThroughApi,
  SCENARIOS,
  type Scenario,
  signInThroughApi,
} from '../e2e/compare-page.ts';

export { CLIENT_KINDS, SCENARIOS } from '../e2e/compare-page.ts';

/** One client in one scenario, over the repetitions. */
export type ComparisonCell = {
  runs: number;
  /** `POST /auth/refresh` requests sent per run (both tabs together for two tabs). */
  medianRefreshes: number;
  refreshesRange: [number, number];
  /** Calls that failed per run, of `calls` (twice that for two tabs). */
  medianFailedCalls: number;
  failedCallsRange: [number, number];
  /** Runs after which a refresh no longer worked. */
  sessionsLost: number;
  /** What ended those sessions, by the API's code (`refresh_reused`, `session_revoked`). */
  lostTo: Record<string, number>;
  /** The most refreshes on their way at one moment in any run: above one, they raced for one cookie. */
  maxRefreshesAtOnce: number;
};

export type ClientComparison =
  | {
      calls: number;
      repetitions: number;
      /** Per client, per scenario. */
      clients: Record<ClientKind, Record<Scenario, ComparisonCell>>;
      /** The settings of the two APIs, for the reader of the figures. */
      api: { accessTokenTtl: string; reuseGrace: string; twoTabsReuseGrace: string };
      seconds: number;
    }
  | { error: string };

type Api = { url: string };
type Options = {
  log: (message: string) => void;
  /** The web app built for a same-origin API (VITE_API_URL=/). */
  webRoot: string;
  /** Starts an API child with these settings over the bench's own; stopped with the bench. */
  startApi: (env: Record<string, string>) => Promise<Api>;
  onStop: (stop: () => Promise<unknown>) => void;
  calls?: number;
  repetitions?: number;
};

const API_ENV = { ACCESS_TOKEN_TTL: '3s', CLOCK_TOLERANCE: '0', TRUST_PROXY: '1', CORS_ORIGINS: 'none' };
const NO_GRACE = '1ms';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const range = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];

function cellOf(runs: RunFigures[]): ComparisonCell {
  const refreshes = runs.map((run) => run.counts.refreshes);
  const failed = runs.map((run) => run.counts.failed);
  const lostTo: Record<string, number> = {};
  for (const run of runs) {
    if (run.session.survived) continue;
    const code = run.session.endedBy ?? 'unknown';
    lostTo[code] = (lostTo[code] ?? 0) + 1;
  }
  return {
    runs: runs.length,
    medianRefreshes: median(refreshes),
    refreshesRange: range(refreshes),
    medianFailedCalls: median(failed),
    failedCallsRange: range(failed),
    sessionsLost: runs.filter((run) => !run.session.survived).length,
    lostTo,
    maxRefreshesAtOnce: Math.max(...runs.map((run) => run.counts.refreshesAtOnce)),
  };
}

/** A browser context signed in to the page at `origin` with an account of its own, on the compare page. */
async function openOn(browser: Browser, origin: string, kind: ClientKind, calls: number) {
  const context = await browser.newContext({ baseURL: origin });
  const account = { email: `compare-${kind}-${randomBytes(4).toString('hex')}@bench.test`, password: 'bench-password-1', name: 'Bench' };
  await registerThroughApi(context.request, origin, account);
  const compare = new ComparePage(await context.newPage());
  await compare.goto();
  await compare.choose(kind, calls);
  return { context, compare, signIn: () => signInThroughApi(context.request, origin, account) };
}

/** Every scenario `repetitions` times for one client: the grace API's scenarios, then two tabs without grace. */
async function measureClient(
  browser: Browser,
  origins: { grace: string; noGrace: string },
  kind: ClientKind,
  calls: number,
  repetitions: number,
): Promise<Record<Scenario, RunFigures[]>> {
  const figures = Object.fromEntries(SCENARIOS.map((scenario) => [scenario, [] as RunFigures[]])) as Record<Scenario, RunFigures[]>;
  const contexts: BrowserContext[] = [];
  try {
    const onGrace = await openOn(browser, origins.grace, kind, calls);
    const onNoGrace = await openOn(browser, origins.noGrace, kind, calls);
    contexts.push(onGrace.context, onNoGrace.context);
    for (let rep = 0; rep < repetitions; rep++) {
      for (const scenario of SCENARIOS) {
        const on = scenario === 'two-tabs' ? onNoGrace : onGrace;
        const run = await on.compare.run(scenario);
        if (run.error) throw new Error(`${kind}, ${scenario}: ${run.error}`);
        figures[scenario].push(run);
        if (!run.session.survived) {
          await on.signIn();
          await on.compare.page.reload();
          await on.compare.heading.waitFor();
        }
      }
    }
    return figures;
  } finally {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
  }
}

/**
 * Runs the comparison and returns its figures; never throws (what failed is in `error`). Everything
 * it starts is handed to `onStop`, so the bench stops it even when this is cut short.
 */
export async function measureClientComparison(options: Options): Promise<ClientComparison> {
  const { log } = options;
  const calls = options.calls ?? 50;
  const repetitions = options.repetitions ?? 5;
  const started = Date.now();
  try {
    const [grace, noGrace] = await Promise.all([
      options.startApi(API_ENV),
      options.startApi({ ...API_ENV, REFRESH_REUSE_GRACE: NO_GRACE }),
    ]);
    const start = (api: Api) => startNginx({ apiOrigins: [api.url], webRoot: options.webRoot });
    const [graceFront, noGraceFront] = await Promise.all([start(grace), start(noGrace)]);
    for (const front of [graceFront, noGraceFront]) options.onStop(() => front.stop());
    const browser = await chromium.launch({
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      args: [
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    options.onStop(() => browser.close());
    log(`  the production build behind nginx at ${graceFront.url} (reuse grace) and ${noGraceFront.url} (none); ${calls} calls a run`);
    // One client at a time: side by side, the others' refresh storms slowed the shared APIs so much
    // that a run outlived its token, and every client's figures then carried the others' load.
    const perClient: Record<Scenario, RunFigures[]>[] = [];
    for (const kind of CLIENT_KINDS) {
      perClient.push(await measureClient(browser, { grace: graceFront.url, noGrace: noGraceFront.url }, kind, calls, repetitions));
      log(`  ${kind}: done at ${Math.round((Date.now() - started) / 1000)} s`);
    }
    await browser.close();
    const clients = Object.fromEntries(
      CLIENT_KINDS.map((kind, i) => [
        kind,
        Object.fromEntries(SCENARIOS.map((scenario) => [scenario, cellOf((perClient[i] as Record<Scenario, RunFigures[]>)[scenario])])),
      ]),
    ) as Record<ClientKind, Record<Scenario, ComparisonCell>>;
    for (const kind of CLIENT_KINDS) {
      log(
        `  ${kind}: ${SCENARIOS.map((s) => `${s} ${clients[kind][s].medianRefreshes} refreshes, ${clients[kind][s].medianFailedCalls} failed, ${clients[kind][s].sessionsLost}/${repetitions} lost`).join('; ')}`,
      );
    }
    return {
      calls,
      repetitions,
      clients,
      api: { accessTokenTtl: API_ENV.ACCESS_TOKEN_TTL, reuseGrace: '10s', twoTabsReuseGrace: NO_GRACE },
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } catch (error) {
    return { error: ((error as Error).message ?? String(error)).split('\n')[0] ?? 'unknown error' };
  }
}
