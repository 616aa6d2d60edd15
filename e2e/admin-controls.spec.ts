import { DEMO_ADMIN, expect, test } from './fixtures.ts';
import { eventsIn } from './pages/activity-page.ts';

// An admin disables an account that is signed in elsewhere: its next call ends there, and it cannot sign in again.

test('when the admin disables a user who is signed in in another browser, then that browser lands on the login page and cannot sign in', async ({
  page,
  registered,
  loginPage,
  dashboardPage,
  adminPage,
  openBrowser,
}) => {
  const user = await openBrowser();
  await user.loginPage.goto();
  expect(await user.loginPage.signIn(registered)).toBe(200);
  await expect(user.dashboardPage.whoAmI).toContainText(registered.email);

  // Signed in just now, so the admin's changes need no password again.
  await loginPage.goto();
  expect(await loginPage.signIn(DEMO_ADMIN)).toBe(200);
  await expect(dashboardPage.heading).toBeVisible();
  await adminPage.openFromNav('Admin');
  await adminPage.searchFor(registered.email);
  await expect(adminPage.users.getByRole('row')).toHaveCount(2);
  await expect(adminPage.userRow(registered.email)).toContainText('Active');
  const changed = page.waitForResponse(
    (r) => r.request().method() === 'PATCH' && new URL(r.url()).pathname.startsWith('/api/admin/users/'),
  );
  await adminPage.control('Disable', registered.email).click();
  expect((await changed).status()).toBe(200);
  await expect(adminPage.done).toHaveText(`${registered.email} is disabled, and signed out everywhere.`);
  await expect(adminPage.userRow(registered.email)).toContainText('Disabled');

  // The user's next call to the API: its session is gone, and the refresh that follows is refused.
  await user.sessionsPage.openFromNav('Sessions');
  await expect(user.page).toHaveURL(`/login?returnTo=${encodeURIComponent('/sessions')}`);
  await expect(user.loginPage.heading).toBeVisible();
  expect(await user.loginPage.signIn(registered)).toBe(403);
  await expect(user.loginPage.alert).toContainText('This account is disabled');

  // The admin's view of the account's log shows what happened, newest first.
  await adminPage.control('Activity of', registered.email).click();
  await expect(page.getByRole('heading', { level: 1, name: `Activity of ${registered.email}` })).toBeVisible();
  await expect(eventsIn(page).first()).toContainText('Account disabled');
});
