import type { Page } from '@playwright/test';
import { CSRF_HEADER, REFRESH_COOKIE } from '@spa-auth/contract/wire';
import { EXPIRY_TIMEOUT, expect, test } from './fixtures.ts';
import { API_URL } from './pages/auth-response.ts';

// The packed @spa-auth/http-client and @spa-auth/contract, installed from their tarballs in a
// Vite + React app outside the repository (scripts/consumer-app.mjs), against the real API: what
// an app that installs the packages gets (requirements 9.3 and 9.9, through the built files a tarball holds).

/** The scratch app's controls, named as the app names them. */
function consumerApp(page: Page) {
  return {
    session: page.getByRole('status', { name: 'Session' }),
    tokenLifetime: page.getByRole('timer', { name: 'Access token' }),
    email: page.getByLabel('Email'),
    password: page.getByLabel('Password'),
    signIn: page.getByRole('button', { name: 'Sign in', exact: true }),
    callMeAtOnce: page.getByRole('button', { name: 'Call /api/me 10 times at once', exact: true }),
    result: page.getByRole('status', { name: 'Result' }),
    signOut: page.getByRole('button', { name: 'Sign out', exact: true }),
  };
}

test('an app that installs the tarballs signs in, refreshes once for ten calls on an expired token, restores on reload, and signs out for good', async ({
  page,
  registered,
  refreshes,
  playwright,
}) => {
  const app = consumerApp(page);
  await page.goto('/');
  await expect(app.session).toHaveText('Signed out');

  await app.email.fill(registered.email);
  await app.password.fill(registered.password);
  await app.signIn.click();
  await expect(app.session).toHaveText(`Signed in as ${registered.email}`);

  // The app counts down to the token's expiry on the client's own reckoning.
  await expect(app.tokenLifetime).toHaveText('Access token expired', { timeout: EXPIRY_TIMEOUT });
  const beforeBurst = refreshes.length;
  await app.callMeAtOnce.click();
  await expect(app.result).toHaveText('10 of 10 succeeded');
  expect(refreshes.slice(beforeBurst)).toHaveLength(1);
  expect((await refreshes[beforeBurst]?.response())?.status()).toBe(200);

  // A reload loses the token in memory; restore() gets a new one from the cookie with one refresh.
  const beforeReload = refreshes.length;
  await page.reload();
  await expect(app.session).toHaveText(`Signed in as ${registered.email}`);
  expect(refreshes.slice(beforeReload)).toHaveLength(1);
  expect((await refreshes[beforeReload]?.response())?.status()).toBe(200);

  // The cookie as it is before signing out: replayed afterwards, it must no longer work.
  const cookies = await page.context().cookies(`${API_URL}${REFRESH_COOKIE.path}/refresh`);
  const refreshCookie = cookies.find((cookie) => cookie.name === REFRESH_COOKIE.name);
  expect(refreshCookie).toBeDefined();
  const beforeSignOut = refreshes.length;
  await app.signOut.click();
  await expect(app.session).toHaveText('Signed out');
  await expect(app.signIn).toBeVisible();
  expect(refreshes.slice(beforeSignOut)).toHaveLength(0);

  const replay = await playwright.request.newContext({ baseURL: API_URL, extraHTTPHeaders: { [CSRF_HEADER.name]: CSRF_HEADER.value } });
  try {
    const refused = await replay.post('/auth/refresh', { headers: { Cookie: `${REFRESH_COOKIE.name}=${refreshCookie?.value}` } });
    expect(refused.status(), await refused.text()).toBe(401);
  } finally {
    await replay.dispose();
  }
});
