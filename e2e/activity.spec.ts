import { expect, test } from './fixtures.ts';
import { ActivityPage } from './pages/activity-page.ts';

// The security activity log as the user sees it: what happened elsewhere shows here.

test('when someone fails to sign in to the account from another browser, then the Activity page lists it, newest first', async ({
  page,
  signedIn,
  openBrowser,
}) => {
  const stranger = await openBrowser();
  await stranger.loginPage.goto();
  expect(await stranger.loginPage.signIn({ email: signedIn.email, password: 'not-the-password' })).toBe(401);

  const activityPage = new ActivityPage(page);
  await activityPage.openFromNav('Activity');
  await expect(activityPage.heading).toBeVisible();
  await expect(activityPage.events.first()).toContainText('Failed sign-in');
  // A browser, from this machine: the API recorded the request's user agent and address.
  await expect(activityPage.events.first()).toContainText(/Chrome on Linux/);
  await expect(activityPage.events.first()).toContainText(/127\.0\.0\.1|::1/);
  // The registration that signed this browser in, below it.
  await expect(activityPage.events.filter({ hasText: 'Account created' })).toHaveCount(1);
  await expect(activityPage.loadMore).toBeHidden();
});
