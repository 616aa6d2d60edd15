import { answeredFor, expect, test } from './fixtures.ts';

// The user's own sessions and password (requirement 6): each way of ending other sessions, seen from those sessions.

test('when the user revokes a session, signs out the others and changes the password, then each other session ends and this one stays', async ({
  signedIn,
  api,
  sessionsPage,
  settingsPage,
  dashboardPage,
  openBrowser,
}) => {
  const script = await api.signIn(signedIn, 'curl/8.5.0');
  const other = await openBrowser();
  await other.loginPage.goto();
  expect(await other.loginPage.signIn(signedIn)).toBe(200);
  await expect(other.dashboardPage.heading).toBeVisible();

  // Revoke one other session: its refresh token is dead.
  await sessionsPage.openFromNav('Sessions');
  await expect(sessionsPage.sessions).toHaveCount(3);
  await expect(sessionsPage.sessions.filter({ hasText: 'This device' })).toHaveCount(1);
  await sessionsPage.revokeButton('curl').click();
  await expect(sessionsPage.notice('The session was revoked.')).toBeVisible();
  await expect(sessionsPage.sessions).toHaveCount(2);
  await expect(sessionsPage.revokeButton('curl')).toHaveCount(0);
  expect(await script.refresh()).toBe(401);

  // Sign out the other sessions: the other browser's next call sends it to the login page.
  await sessionsPage.signOutOthers.click();
  await expect(sessionsPage.notice('All other sessions were signed out.')).toBeVisible();
  await expect(sessionsPage.sessions).toHaveCount(1);
  await expect(sessionsPage.signOutOthers).toBeDisabled();
  await other.dashboardPage.callMe.click();
  await expect(other.loginPage.heading).toBeVisible();
  await expect(other.page).toHaveURL(`/login?returnTo=${encodeURIComponent('/')}`);

  // Change the password: the other browser, signed in again, is signed out, and only the new password works.
  expect(await other.loginPage.signIn(signedIn)).toBe(200);
  await expect(other.dashboardPage.heading).toBeVisible();
  const newPassword = `${signedIn.password}-changed`;
  await settingsPage.openFromNav('Settings');
  await settingsPage.changePassword(signedIn.password, newPassword);
  await expect(settingsPage.notice('Your password was changed. Other sessions were signed out.')).toBeVisible();
  await other.dashboardPage.callMe.click();
  await expect(other.loginPage.heading).toBeVisible();
  expect(await other.loginPage.signIn(signedIn)).toBe(401);
  await expect(other.loginPage.alert).toHaveText('The email or password is wrong.');
  expect(await other.loginPage.signIn({ email: signedIn.email, password: newPassword })).toBe(200);
  await expect(other.dashboardPage.heading).toBeVisible();

  // This session went through all of it.
  await dashboardPage.openFromNav('Dashboard');
  await dashboardPage.callMe.click();
  await expect(dashboardPage.result).toHaveText(answeredFor(signedIn));
});
