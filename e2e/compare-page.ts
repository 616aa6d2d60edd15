import type { APIRequestContext, Locator, Page } from '@playwright/test';

/** The clients of the compare page, by the names it shows them under. */
export const CLIENT_NAMES = {
  ours: 'Ours',
  queue: 'isRefreshing + failedQueue',
  'retry-each-401': 'Each 401 refreshes and retries',
  'axios-auth-refresh': 'axios-auth-refresh',
} as const;
export type ClientKind = keyof typeof CLIENT_NAMES;
export const CLIENT_KINDS = Object.keys(CLIENT_NAMES) as ClientKind[];

/** Its scenarios, by the names of their buttons. */
export const SCENARIO_NAMES = {
  burst: 'Parallel calls on an expired token',
  straddle: 'Calls that straddle the expiry (late 401s)',
  'two-tabs': 'Two tabs at once',
  revoked: 'A session revoked elsewhere',
} as const;
export type Scenario = keyof typeof SCENARIO_NAMES;
export const SCENARIOS = Object.keys(SCENARIO_NAMES) as Scenario[];

/**
 * The figures of one run, as the page writes them on its row (`data-run`). Written out here rather
 * than imported from the web app's `Counts`: this is what the test and the bench read from the
 * page, and a count the page renames or drops fails them instead of changing with it.
 */
export type RunFigures = {
  client: ClientKind;
  scenario: Scenario;
  calls: number;
  counts: {
    refreshes: number;
    refreshAnswers: Record<string, number>;
    retries: number;
    failed: number;
    failureCodes: Record<string, number>;
    sessionEnded: number;
    /** The most refreshes on their way at one moment, both tabs together. */
    refreshesAtOnce: number;
  };
  perTab: { first: RunFigures['counts']; second: RunFigures['counts'] } | null;
  /** After the run: whether a refresh still worked; if not, what the check heard and why the session ended. */
  session: { survived: boolean; code: string | null; endedBy: string | null };
  error: string | null;
};

/** The longest a run takes: a restore, a real expiry (the API's ACCESS_TOKEN_TTL), a second tab, the calls. */
export const RUN_TIMEOUT = 45_000;

const CSRF = { 'X-Requested-With': 'XMLHttpRequest' };

/**
 * The compare page (apps/web/src/features/compare) as its end-to-end test and `npm run bench` drive
 * it: by its labels, as a user does, and reading each run's figures from its row. Needs no test
 * runner, so that the bench can use it too.
 */
export class ComparePage {
  readonly page: Page;
  readonly heading: Locator;
  readonly calls: Locator;
  readonly status: Locator;
  readonly runs: Locator;
  readonly timeline: Locator;
  readonly signInAgain: Locator;

  constructor(page: Page) {
    this.page = page;
    this.heading = page.getByRole('heading', { level: 1, name: 'Compare refresh clients' });
    this.calls = page.getByRole('spinbutton', { name: /^Calls per run/ });
    this.status = page.getByRole('region', { name: 'Scenarios' }).getByRole('status');
    this.runs = page.locator('tr[data-run]');
    this.timeline = page.getByRole('list', { name: 'Events of the last run' });
    this.signInAgain = page.getByRole('button', { name: 'Sign in again', exact: true });
  }

  /** The page itself; `origin` when it is served elsewhere than the context's baseURL. */
  async goto(origin = ''): Promise<void> {
    await this.page.goto(`${origin}/compare`);
    await this.heading.waitFor();
  }

  client(kind: ClientKind): Locator {
    return this.page.getByRole('radio', { name: new RegExp(`^${CLIENT_NAMES[kind].replace(/[+]/g, '\\+')}:`) });
  }

  scenario(scenario: Scenario): Locator {
    return this.page.getByRole('button', { name: SCENARIO_NAMES[scenario], exact: true });
  }

  async choose(kind: ClientKind, calls: number): Promise<void> {
    await this.client(kind).check();
    await this.calls.fill(String(calls));
  }

  /** Figures of the newest run. */
  async newest(): Promise<RunFigures> {
    return JSON.parse((await this.runs.first().getAttribute('data-run')) ?? 'null') as RunFigures;
  }

  /** Waits until the page lists one run more than `before`, and returns that run's figures. */
  async nextRun(before: number, timeout = RUN_TIMEOUT): Promise<RunFigures> {
    await this.page.waitForFunction((count) => document.querySelectorAll('tr[data-run]').length > count, before, { timeout });
    return this.newest();
  }

  /** Presses the scenario's button and waits for its figures. */
  async run(scenario: Scenario, timeout = RUN_TIMEOUT): Promise<RunFigures> {
    const before = await this.runs.count();
    await this.scenario(scenario).click();
    return this.nextRun(before, timeout);
  }
}

/**
 * Signs `email` in through the API with the browser context's own request context, so that the
 * refresh cookie lands in that browser's cookie jar: the next page load restores the session.
 */
export async function signInThroughApi(request: APIRequestContext, apiURL: string, account: { email: string; password: string }) {
  const response = await request.post(`${apiURL}/auth/login`, {
    headers: CSRF,
    data: { email: account.email, password: account.password },
  });
  if (response.status() !== 200) throw new Error(`sign-in answered ${response.status()}: ${await response.text()}`);
}

/** Registers an account through the API (the session it starts lands in the context's cookie jar). */
export async function registerThroughApi(
  request: APIRequestContext,
  apiURL: string,
  account: { email: string; password: string; name: string },
) {
  const response = await request.post(`${apiURL}/auth/register`, { headers: CSRF, data: account });
  if (response.status() !== 201) throw new Error(`register answered ${response.status()}: ${await response.text()}`);
}
