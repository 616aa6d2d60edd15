import { expect, type HarnessPage, REFRESH_URL, test } from './fixtures.ts';

/** An attempt's id as the client makes it: its start time and a random part, both base 36. */
const ATTEMPT_ID = /^[0-9a-z]+\.[0-9a-z]+$/;

/**
 * No token in any storage. IndexedDB holds one record, once a refresh has run: the refresh lock's
 * last holder, an attempt id; `refreshed` says whether one has run by now.
 */
async function expectNothingReadable(app: HarnessPage, stage: string, refreshed = true): Promise<void> {
  const storage = await app.call('storage');
  expect(storage, stage).toMatchObject({ localStorage: 0, sessionStorage: 0 });
  expect(storage.cookie, stage).not.toContain('refresh_token');
  const { 'spa-auth-locks': lockLog = [], ...otherDatabases } = storage.indexedDB;
  expect(otherDatabases, stage).toEqual({});
  expect(lockLog, stage).toEqual(refreshed ? [{ 'spa-auth:refresh': expect.stringMatching(ATTEMPT_ID) }] : []);
  expect(JSON.stringify(storage.indexedDB), stage).not.toMatch(/eyJ/);
}

test('when signed in, restored and refreshed, then no token is in any storage a script can read', async ({
  app,
  email,
  openPage,
  refreshes,
}) => {
  await app.call('register', email);
  await expectNothingReadable(app, 'after sign-in', false);

  await app.reload();
  expect(await app.call('restore')).toMatchObject({ user: { email } });
  await expectNothingReadable(app, 'after restore');

  // The client's clock jumps past the token's expiry: the next call refreshes first.
  await app.call('setClockOffset', 10 * 60_000);
  expect(await app.call('get', '/api/me')).toEqual({ ok: true, status: 200 });
  expect(refreshes.length).toBe(2);
  await expectNothingReadable(app, 'after refresh');

  // Cookies are per host, not per port, and this one has Path=/auth: only a page under /auth of this
  // host could see it in document.cookie, were it not HttpOnly.
  const underAuth = await openPage('/auth/cookie-check');
  await expectNothingReadable(underAuth, 'on a page under /auth');
});

test('when the API on another port sets the refresh cookie, then the browser keeps it HttpOnly, SameSite=Strict, on /auth, and sends it back', async ({
  app,
  context,
  email,
  refreshes,
}) => {
  await app.call('register', email);

  const cookies = await context.cookies(REFRESH_URL);
  expect(cookies.filter((cookie) => cookie.name === 'refresh_token')).toEqual([
    expect.objectContaining({ domain: 'localhost', path: '/auth', httpOnly: true, sameSite: 'Strict' }),
  ]);

  await app.reload();
  expect(await app.call('restore')).toMatchObject({ user: { email } });
  expect(refreshes.length).toBe(1);
  expect((await refreshes[0]?.response())?.status()).toBe(200);
});
