import { expect, test } from './fixtures.ts';

// Registration, sign-in and where the user lands afterwards (requirement 5.1, 5.2, 7, 9.2, 9.8).

const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;

test('when a new user registers and reloads, then they stay signed in, with the refresh token in an HttpOnly cookie and no token in storage', async ({
  page,
  context,
  account,
  registerPage,
  dashboardPage,
  apiURL,
}) => {
  await registerPage.goto();
  const registered = await registerPage.register(account);
  expect(registered.status()).toBe(201);
  const { accessToken } = (await registered.json()) as { accessToken: string };
  await expect(page).toHaveURL('/');
  await expect(dashboardPage.heading).toBeVisible();
  await expect(dashboardPage.whoAmI).toContainText(account.email);

  await page.reload();
  await expect(dashboardPage.heading).toBeVisible();
  await expect(dashboardPage.whoAmI).toContainText(account.email);
  await expect(dashboardPage.tokenLifetime).toContainText('expires in');

  const cookie = (await context.cookies(`${apiURL}/auth/refresh`)).find((c) => c.name === 'refresh_token');
  expect(cookie).toMatchObject({ httpOnly: true, path: '/auth', sameSite: 'Strict' });
  const refreshToken = cookie?.value ?? '';
  expect(refreshToken).not.toBe('');
  expect(await page.evaluate(() => document.cookie)).not.toContain('refresh_token');
  // Not readable even on the cookie's own origin and path, where a non-HttpOnly cookie would be.
  const onCookiePath = await context.newPage();
  await onCookiePath.goto(`${apiURL}/auth/`);
  expect(await onCookiePath.evaluate(() => document.cookie)).toBe('');
  await onCookiePath.close();

  const storage = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
  expect(storage).not.toContain(accessToken);
  expect(storage).not.toContain(refreshToken);
  expect(storage).not.toMatch(JWT);
});

test('when the password is wrong, then a readable error shows without navigation, and repeated failures meet the rate limit', async ({
  page,
  registered,
  loginPage,
}) => {
  const wrong = { email: registered.email, password: 'not-the-right-password' };
  await loginPage.goto();
  expect(await loginPage.signIn(wrong)).toBe(401);
  await expect(loginPage.alert).toHaveText('The email or password is wrong.');
  await expect(page).toHaveURL('/login');
  await expect(loginPage.heading).toBeVisible();

  // LOGIN_MAX_FAILURES=5: four more failures, then even the right password is refused for now.
  for (let attempt = 2; attempt <= 5; attempt += 1) expect(await loginPage.signIn(wrong)).toBe(401);
  await expect(loginPage.alert).toHaveText('The email or password is wrong.');
  expect(await loginPage.signIn(registered)).toBe(429);
  await expect(loginPage.alert).toHaveText(/^Too many attempts\. Try again in \d+ (seconds|minutes)\.$/);
  await expect(page).toHaveURL('/login');
});

test('when a signed-out user follows a deep link, then sign-in returns there, and a returnTo on another origin is ignored', async ({
  page,
  registered,
  loginPage,
  sessionsPage,
  dashboardPage,
}) => {
  await page.goto('/sessions');
  await expect(page).toHaveURL(`/login?returnTo=${encodeURIComponent('/sessions')}`);
  expect(await loginPage.signIn(registered)).toBe(200);
  await expect(page).toHaveURL('/sessions');
  await expect(sessionsPage.heading).toBeVisible();

  for (const elsewhere of ['https://evil.example/phish', '//evil.example/phish']) {
    await sessionsPage.signOut.click();
    await expect(loginPage.heading).toBeVisible();
    await loginPage.goto(elsewhere);
    expect(await loginPage.signIn(registered)).toBe(200);
    await expect(dashboardPage.heading).toBeVisible();
    await expect(page).toHaveURL('/');
  }
});
