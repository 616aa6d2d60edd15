import { expect, isRefreshRequest, test } from './fixtures.ts';

// A session ended from elsewhere: revoked by the user on another device, or killed as stolen (requirement 4, 5.3.3, 9.8).

test('when the session is revoked from another browser, then the next call leads to the login page, and signing in returns there', async ({
  page,
  signedIn,
  settingsPage,
  loginPage,
  openBrowser,
}) => {
  await settingsPage.openFromNav('Settings');
  await expect(settingsPage.name).toHaveValue(signedIn.name);

  const other = await openBrowser();
  await other.loginPage.goto();
  expect(await other.loginPage.signIn(signedIn)).toBe(200);
  await expect(other.dashboardPage.heading).toBeVisible();
  await other.sessionsPage.openFromNav('Sessions');
  await expect(other.sessionsPage.sessions).toHaveCount(2);
  await other.sessionsPage.revokeButton().click();
  await expect(other.sessionsPage.notice('The session was revoked.')).toBeVisible();
  await expect(other.sessionsPage.sessions).toHaveCount(1);

  await settingsPage.name.fill(`${signedIn.name} renamed`);
  await settingsPage.saveName.click();
  await expect(page).toHaveURL(`/login?returnTo=${encodeURIComponent('/settings')}`);
  await expect(loginPage.heading).toBeVisible();
  expect(await loginPage.signIn(signedIn)).toBe(200);
  await expect(page).toHaveURL('/settings');
  await expect(settingsPage.heading).toBeVisible();
  // The name was never saved: the revoked session could not change anything.
  await expect(settingsPage.name).toHaveValue(signedIn.name);
});

test('when an old refresh cookie is replayed in another browser after its successor was used, then the session ends in both', async ({
  page,
  context,
  signedIn,
  dashboardPage,
  loginPage,
  openBrowser,
  apiURL,
}) => {
  const refreshCookie = async () => (await context.cookies(`${apiURL}/auth/refresh`)).find((c) => c.name === 'refresh_token');
  const stolen = await refreshCookie();
  expect(stolen).toBeDefined();

  // Two rotations: the stolen token's successor has been used, so presenting it is theft at once,
  // without waiting for REFRESH_REUSE_GRACE to pass (requirement 5.3.3).
  for (let rotation = 1; rotation <= 2; rotation += 1) {
    const refreshed = page.waitForResponse((r) => isRefreshRequest(r.request()));
    await page.reload();
    expect((await refreshed).status()).toBe(200);
    await expect(dashboardPage.whoAmI).toContainText(signedIn.email);
  }
  expect((await refreshCookie())?.value).not.toBe(stolen?.value);

  const thief = await openBrowser();
  if (stolen) await thief.context.addCookies([stolen]);
  const replayed = thief.page.waitForResponse((r) => isRefreshRequest(r.request()));
  await thief.page.goto('/');
  const replay = await replayed;
  expect(replay.status()).toBe(401);
  expect(await replay.json()).toMatchObject({ code: 'refresh_reused' });
  await expect(thief.page).toHaveURL(/\/login(\?|$)/);
  await expect(thief.loginPage.heading).toBeVisible();

  // The owner's access token is refused at once too, and the owner's own refresh token is dead.
  await dashboardPage.callMe.click();
  await expect(page).toHaveURL(`/login?returnTo=${encodeURIComponent('/')}`);
  await expect(loginPage.heading).toBeVisible();
  expect((await context.cookies(`${apiURL}/auth/refresh`)).find((c) => c.name === 'refresh_token')).toBeUndefined();
});
