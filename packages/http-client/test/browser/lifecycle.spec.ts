import { existsSync } from 'node:fs';
import { API_URL, expect, test } from './fixtures.ts';

// Playwright launches Chromium with --disable-back-forward-cache; this file needs the cache back.
test.use({
  launchOptions: {
    executablePath: process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined),
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  },
});

// Requirement 9.7: a page coming back re-checks its session.

test('when a page comes back from the back/forward cache, then it re-checks its session with one refresh', async ({
  app,
  email,
  refreshes,
}) => {
  await app.call('register', email);
  const before = refreshes.length;
  await app.page.goto(`${API_URL}/healthz`);
  // A page restored from the bfcache fires pageshow, not load: wait for the navigation to commit only.
  await app.page.goBack({ waitUntil: 'commit' });
  // Restored from the bfcache, not reloaded: the same client, still holding its session and events.
  expect(await app.call('getSession')).toEqual(expect.objectContaining({ user: expect.objectContaining({ email }) }));
  await expect.poll(() => refreshes.length).toBe(before + 1);
  const events = await app.call('events');
  expect(events).toContainEqual(expect.objectContaining({ type: 'refresh-started', reason: 'resume' }));
  expect(await app.call('get', '/api/me')).toEqual({ ok: true, status: 200 });
});

test('when a hidden tab becomes visible, then it refreshes only if its token is about to expire', async ({ app, email, refreshes }) => {
  await app.call('register', email);
  const showAgain = () =>
    app.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
  const before = refreshes.length;
  // A fresh token: nothing to do.
  await showAgain();
  expect(await app.call('get', '/api/me')).toEqual({ ok: true, status: 200 });
  expect(refreshes.length).toBe(before);
  // The client's clock says the 6 s token is inside its margin (a quarter of its life): coming back refreshes it.
  await app.call('setClockOffset', 5_000);
  await showAgain();
  await expect.poll(() => refreshes.length).toBe(before + 1);
  expect(await app.call('events')).toContainEqual(expect.objectContaining({ type: 'refresh-started', reason: 'resume' }));
});
