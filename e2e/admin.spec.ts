import { DEMO_ADMIN, DEMO_USER, expect, test } from './fixtures.ts';

// Roles (requirement 4, 6, 8): the admin page for the admin, "Forbidden" (403, no refresh, no sign-out) for a user.

test('when the demo admin opens Admin, then the user list shows; when the demo user does, then "Forbidden" and still signed in', async ({
  registered,
  loginPage,
  dashboardPage,
  adminPage,
  openBrowser,
}) => {
  await loginPage.goto();
  expect(await loginPage.signIn(DEMO_ADMIN)).toBe(200);
  await expect(dashboardPage.whoAmI).toContainText('role admin');
  await adminPage.openFromNav('Admin');
  await expect(adminPage.heading).toBeVisible();
  await expect(adminPage.userRow(DEMO_ADMIN.email)).toContainText('admin');
  await expect(adminPage.userRow(DEMO_USER.email)).toContainText('user');
  // The list is live data: this test's own fresh account is in it (searched for: the list is paged).
  await adminPage.searchFor(registered.email);
  await expect(adminPage.userRow(registered.email)).toContainText(registered.name);

  const user = await openBrowser();
  await user.loginPage.goto();
  expect(await user.loginPage.signIn(DEMO_USER)).toBe(200);
  await expect(user.dashboardPage.whoAmI).toContainText('role user');
  const refreshesBefore = user.refreshes.length;
  await user.adminPage.openFromNav('Admin');
  await expect(user.adminPage.forbidden).toBeVisible();
  await expect(user.adminPage.users).toHaveCount(0);
  await expect(user.page).toHaveURL('/admin');
  await expect(user.adminPage.signOut).toBeVisible();
  // A 403 is not a token problem: no refresh, and the session works as before.
  expect(user.refreshes.slice(refreshesBefore)).toHaveLength(0);
  await user.page.getByRole('link', { name: 'Back to the dashboard' }).click();
  await user.dashboardPage.callMe.click();
  await expect(user.dashboardPage.result).toHaveText(`/api/me answered: Demo User (${DEMO_USER.email})`);
});
