import type { Route } from '@playwright/test';
import { answeredFor, expect, pagesOf, REFRESH_URL, test } from './fixtures.ts';

// Two tabs of one browser: one context, so one cookie jar, one set of Web Locks, one BroadcastChannel (requirement 9.7).

test('when two tabs call at once after expiry, then one refresh serves both; when one signs out, then the other ends on the login page without a failed request', async ({
  context,
  page,
  signedIn,
  dashboardPage,
  loginPage,
  refreshes,
}) => {
  const second = pagesOf(await context.newPage());
  await second.dashboardPage.goto();
  await expect(second.dashboardPage.whoAmI).toContainText(signedIn.email);
  // The second tab's start-up refresh is shared with the first: both tokens run out together.
  await dashboardPage.waitForExpiry();
  await second.dashboardPage.waitForExpiry();

  // "At once", made certain: the first tab's refresh is held at the network until the second tab has
  // started its call too, and is either waiting for the first tab (Web Locks) or refreshing on its own.
  const held: Route[] = [];
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await context.route(REFRESH_URL, async (route) => {
    held.push(route);
    await released;
    await route.continue();
  });
  const before = refreshes.length;
  await dashboardPage.callMe.click();
  await expect.poll(() => held.length).toBe(1);
  await second.dashboardPage.callMe.click();
  const waitingForLock = () => second.page.evaluate(async () => ((await navigator.locks.query()).pending ?? []).length);
  await expect.poll(async () => held.length > 1 || (await waitingForLock()) > 0).toBe(true);
  release();
  await expect(dashboardPage.result).toHaveText(answeredFor(signedIn));
  await expect(second.dashboardPage.result).toHaveText(answeredFor(signedIn));
  expect(refreshes.slice(before)).toHaveLength(1);

  const failures: string[] = [];
  second.page.on('response', (response) => {
    if (response.status() >= 400) failures.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });
  second.page.on('requestfailed', (request) => failures.push(`${request.failure()?.errorText} ${request.method()} ${request.url()}`));

  await dashboardPage.signOut.click();
  await expect(page).toHaveURL(/\/login(\?|$)/);
  await expect(loginPage.heading).toBeVisible();
  await expect(second.page).toHaveURL(/\/login(\?|$)/);
  await expect(second.loginPage.heading).toBeVisible();
  expect(failures).toEqual([]);
});

test('when the user signs in in one tab, then another tab waiting on the login page goes to where it was headed, with no refresh of its own', async ({
  context,
  registered,
  loginPage,
  refreshes,
}) => {
  const second = pagesOf(await context.newPage());
  await second.page.goto('/login?returnTo=%2Fsettings');
  await expect(second.loginPage.heading).toBeVisible();
  // The first tab's own start-up check (no session yet) happens while it loads: count from after it.
  await loginPage.goto();
  await expect(loginPage.heading).toBeVisible();
  const before = refreshes.length;

  await loginPage.signIn(registered);

  // The token arrives over the tabs' channel; the waiting tab follows its returnTo.
  await expect(second.settingsPage.heading).toBeVisible();
  await expect(second.page).toHaveURL(/\/settings$/);
  expect(refreshes.length).toBe(before);
});
