import { expect, type HarnessPage, REFRESH_URL, test } from './fixtures.ts';

async function expectNothingReadable(app: HarnessPage, stage: string): Promise<void> {
  const storage = await app.call('storage');
  expect(storage, stage).toMatchObject({ localStorage: 0, sessionStorage: 0, indexedDB: [] });
  expect(storage.cookie, stage).not.toContain('refresh_token');
}

test('when signed in, restored and refreshed, then no token is in any storage a script can read', async ({
  app,
  email,
  openPage,
  refreshes,
}) => {
  await app.call('register', email);
  await expectNothingReadable(app, 'after sign-in');

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
