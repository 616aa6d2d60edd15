import type { Locator, Page } from '@playwright/test';
import { expectNoSeriousViolations } from './axe.ts';
import {
  CLIENT_KINDS,
  CLIENT_NAMES,
  type ClientKind,
  ComparePage,
  type RunFigures,
  registerThroughApi,
  type Scenario,
  signInThroughApi,
} from './compare-page.ts';
import { type Account, expect, test } from './fixtures.ts';
import { API_URL } from './pages/auth-response.ts';

// The compare page (apps/web/src/features/compare) runs every refresh client through every scenario
// against the real API, with real expiries. Ours must refresh exactly once, fail nothing and keep the
// session (and, when the session is revoked elsewhere, refresh once and end it once); the others'
// figures are recorded, not judged, since they are races: each test attaches its client's figures
// as JSON, and `npm run bench` measures them five times over (clientComparison).
//
// The burst, straddle and revoked runs use the e2e API (5 s tokens, a 2 s reuse grace); the two-tab
// runs use the API without a reuse grace and its web build (playwright.config.ts: `e2e no-grace api`
// and `e2e no-grace web`), in a browser context of their own, since both APIs are on localhost and
// would share one refresh cookie.
const NO_GRACE_API_URL = 'http://localhost:3104';
const NO_GRACE_WEB_URL = 'http://localhost:4176';
const CALLS = 20;
const ON_THE_E2E_API: Scenario[] = ['burst', 'straddle', 'revoked'];

/** Runs `scenario`, signing in again first when the run before lost the session. */
async function runOn(compare: ComparePage, scenario: Scenario, session: { lost: boolean; signIn: () => Promise<void> }) {
  if (session.lost) {
    // Signed in again, the page keeps the client and calls chosen (they are in its address).
    await session.signIn();
    await compare.page.reload();
    await compare.heading.waitFor();
  }
  const figures = await compare.run(scenario);
  session.lost = !figures.session.survived;
  return figures;
}

/**
 * Ours, in one tab or two: exactly one refresh, which succeeds; no call fails, and the session is kept.
 * In two tabs, the one that did not refresh takes the other's token, even when it asks for the lock
 * just after the other let go of it: the lock's record of its last holder tells it whose token to
 * wait for.
 */
function expectOursKeptTheSession(figures: RunFigures) {
  expect(figures.error).toBeNull();
  expect(figures.counts.refreshes, 'one refresh for every call').toBe(1);
  expect(figures.counts.refreshAnswers).toEqual({ 200: 1 });
  expect(figures.counts.failed).toBe(0);
  expect(figures.counts.sessionEnded).toBe(0);
  expect(figures.session).toEqual({ survived: true, code: null, endedBy: null });
}

async function openCompare(page: Page, account: Account, apiURL: string, origin = '') {
  await signInThroughApi(page.context().request, apiURL, account);
  const compare = new ComparePage(page);
  await compare.goto(origin);
  return compare;
}

for (const kind of CLIENT_KINDS) {
  test(`when ${CLIENT_NAMES[kind]} runs every scenario against the API, then its figures are recorded${kind === 'ours' ? ', with one refresh each and no failure' : ''}`, async ({
    page,
    browser,
    registered,
  }, testInfo) => {
    test.setTimeout(120_000);
    const figures: RunFigures[] = [];
    const compare = await openCompare(page, registered, API_URL);
    await compare.choose(kind, CALLS);
    const session = { lost: false, signIn: () => signInThroughApi(page.context().request, API_URL, registered) };
    for (const scenario of ON_THE_E2E_API) figures.push(await runOn(compare, scenario, session));

    // Two tabs, against the API without a reuse grace, in a browser of its own (one cookie jar per API).
    const other = await browser.newContext({ baseURL: NO_GRACE_WEB_URL });
    try {
      await registerThroughApi(other.request, NO_GRACE_API_URL, registered);
      const otherCompare = new ComparePage(await other.newPage());
      await otherCompare.goto();
      await otherCompare.choose(kind, CALLS);
      figures.push(await otherCompare.run('two-tabs'));
    } finally {
      await other.close();
    }

    await testInfo.attach(`compare-${kind}.json`, { body: JSON.stringify(figures, null, 2), contentType: 'application/json' });
    for (const run of figures) expect(run.error, `${run.scenario}: ${run.error}`).toBeNull();
    const [burst, straddle, revoked, twoTabs] = figures as [RunFigures, RunFigures, RunFigures, RunFigures];
    expect(burst.calls).toBe(CALLS);
    if (kind === 'ours') {
      expectOursKeptTheSession(burst);
      expectOursKeptTheSession(straddle);
      expectOursKeptTheSession(twoTabs);
      // Revoked elsewhere: one refresh, refused; every call fails with the API's code; the app is told once.
      expect(revoked.counts.refreshes).toBe(1);
      expect(revoked.counts.refreshAnswers).toEqual({ session_revoked: 1 });
      expect(revoked.counts.failureCodes).toEqual({ session_revoked: CALLS });
      expect(revoked.counts.sessionEnded).toBe(1);
      expect(revoked.session).toMatchObject({ survived: false, endedBy: 'session_revoked' });
    } else {
      // What the page measures, checked where it is certain: every call of the burst meets a 401,
      // and the per-401 pattern refreshes for each; a revoked session is lost whatever the client.
      if (kind === 'retry-each-401') expect(burst.counts.refreshes).toBe(CALLS);
      expect(burst.counts.refreshes).toBeGreaterThanOrEqual(1);
      expect(revoked.session.survived).toBe(false);
      expect(revoked.counts.sessionEnded, 'the naive clients have no way to tell the app').toBe(0);
    }
  });
}

test('when the compare page is used with the keyboard alone, then a scenario runs, and axe finds no serious violation', async ({
  page,
  registered,
}) => {
  test.setTimeout(60_000);
  const compare = await openCompare(page, registered, API_URL);
  await expectNoSeriousViolations(page, 'compare');

  /** Tab until `target` has the focus (the page's order: nav, the radio group, the calls, the scenarios). */
  async function tabTo(target: Locator) {
    for (let presses = 0; presses < 40 && !(await target.evaluate((element) => element === document.activeElement)); presses++) {
      await page.keyboard.press('Tab');
    }
    await expect(target).toBeFocused();
  }
  const kind: ClientKind = 'queue';
  // The radio group is one tab stop; the arrow keys move the choice within it.
  await tabTo(compare.client('ours'));
  await page.keyboard.press('ArrowDown');
  await expect(compare.client(kind)).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(compare.calls).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('5');
  await expect(compare.calls).toHaveValue('5');
  await tabTo(compare.scenario('burst'));
  const before = await compare.runs.count();
  await page.keyboard.press('Enter');
  await expect(compare.status).toContainText(/Waiting for the access token to expire|API to refuse/);
  const figures = await compare.nextRun(before);
  expect(figures).toMatchObject({ client: kind, scenario: 'burst', calls: 5, error: null });
  await expect(compare.status).toContainText(`Done. ${CLIENT_NAMES[kind]}, parallel calls on an expired token:`);
  await expect(compare.timeline.getByRole('listitem').first()).toBeVisible();
  await expectNoSeriousViolations(page, 'compare, with a run');
});
