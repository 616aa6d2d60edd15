import { expect, pagesOf, test } from './fixtures.ts';

// Deleting the account (DELETE /api/me): every session ends, in every tab, and the address is free again.

test('when the account is deleted in one of two tabs, then both land on the login page, the old sign-in fails and the email can register again', async ({
  context,
  page,
  signedIn,
  settingsPage,
  loginPage,
  registerPage,
  dashboardPage,
}) => {
  const second = pagesOf(await context.newPage());
  await second.dashboardPage.goto();
  await expect(second.dashboardPage.whoAmI).toContainText(signedIn.email);

  await settingsPage.openFromNav('Settings');
  await expect(settingsPage.deleteAccountButton).toBeDisabled();
  // Within seconds of signing in: recent enough, so no password is asked (REAUTH_MAX_AGE is 30 s here).
  await settingsPage.deleteAccount();

  await expect(page).toHaveURL('/login');
  await expect(loginPage.heading).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Your account was deleted.' })).toBeVisible();
  await expect(second.page).toHaveURL(/\/login(\?|$)/);
  await expect(second.loginPage.heading).toBeVisible();

  // Nothing of the account is left: its password signs nobody in, and its address registers anew.
  expect(await loginPage.signIn(signedIn)).toBe(401);
  await registerPage.goto();
  const registered = await registerPage.register(signedIn);
  expect(registered.status(), await registered.text()).toBe(201);
  await expect(dashboardPage.heading).toBeVisible();
  await expect(dashboardPage.whoAmI).toContainText(signedIn.email);
  // The other tab is signed in to the new account too, as any sign-in in one tab does.
  await expect(second.page).toHaveURL('/');
});
