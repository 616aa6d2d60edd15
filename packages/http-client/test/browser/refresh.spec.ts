import type { Page } from '@playwright/test';
import { API_URL, expect, type HarnessPage, REFRESH_URL, test, waitForServerToRefuse } from './fixtures.ts';

/**
 * Signs up, then lets the access token run out on the API while the client's clock, set back a
 * minute, still calls it fresh: the client can learn of the expiry only from the API's 401.
 */
async function expireOnServerOnly(app: HarnessPage, email: string): Promise<void> {
  await app.call('register', email);
  await app.call('setClockOffset', -60_000);
  const authorization = await app.call('currentAuthorization');
  expect(authorization).toMatch(/^Bearer /);
  await waitForServerToRefuse(app, authorization ?? '');
}

/** Fails the next POST /auth/refresh as a dropped connection would; returns how many were failed. */
async function abortFirstRefresh(page: Page): Promise<() => number> {
  let aborted = 0;
  await page.route(REFRESH_URL, async (route) => {
    if (route.request().method() === 'POST' && aborted === 0) {
      aborted += 1;
      await route.abort('failed');
    } else {
      await route.continue();
    }
  });
  return () => aborted;
}

test('when 50 requests go out at once on a token the API has expired, then one refresh serves them all and each is retried at most once', async ({
  app,
  email,
  page,
  refreshes,
}) => {
  await expireOnServerOnly(app, email);
  let apiCalls = 0;
  page.on('request', (request) => {
    if (request.method() === 'GET' && request.url() === `${API_URL}/api/me`) apiCalls += 1;
  });
  expect(refreshes.length).toBe(0);

  const outcomes = await app.call('burst', 50);

  expect(outcomes).toEqual(Array.from({ length: 50 }, () => ({ ok: true, status: 200 })));
  expect(refreshes.length).toBe(1);
  const events = await app.call('events');
  expect(events.filter((event) => event.type === 'refresh-started')).toEqual([expect.objectContaining({ reason: 'unauthorized' })]);
  expect(events.filter((event) => event.type === 'retried').length).toBeLessThanOrEqual(50);
  expect(apiCalls).toBeGreaterThanOrEqual(50);
  expect(apiCalls).toBeLessThanOrEqual(100);
});

test('when the refresh after a 401 fails on the network, then the waiting request fails with network_error, the session stays, and the next request refreshes for real', async ({
  app,
  email,
  page,
  refreshes,
}) => {
  await expireOnServerOnly(app, email);
  const aborted = await abortFirstRefresh(page);

  expect(await app.call('get', '/api/me')).toEqual({ ok: false, status: null, code: 'network_error' });
  expect(aborted()).toBe(1);
  expect(await app.call('getSession')).toMatchObject({ user: { email } });
  expect(await app.call('expiries')).toEqual([]);

  expect(await app.call('get', '/api/me')).toEqual({ ok: true, status: 200 });
  expect(refreshes.length).toBe(2);
  expect((await refreshes[1]?.response())?.status()).toBe(200);
  const events = await app.call('events');
  expect(events.filter((event) => event.type === 'refresh-failed')).toEqual([expect.objectContaining({ code: 'network_error' })]);
  expect(events.filter((event) => event.type === 'session-expired')).toEqual([]);
});

test('when the refresh before an expired token is sent fails on the network, then the request fails with network_error, the session stays, and the next request refreshes for real', async ({
  app,
  email,
  page,
  refreshes,
}) => {
  await app.call('register', email);
  // The client's clock jumps past the expiry: it refreshes before sending, with no 401 round trip.
  await app.call('setClockOffset', 10 * 60_000);
  const aborted = await abortFirstRefresh(page);

  expect(await app.call('get', '/api/me')).toEqual({ ok: false, status: null, code: 'network_error' });
  expect(aborted()).toBe(1);
  expect(await app.call('getSession')).toMatchObject({ user: { email } });
  expect(await app.call('expiries')).toEqual([]);

  expect(await app.call('get', '/api/me')).toEqual({ ok: true, status: 200 });
  expect(refreshes.length).toBe(2);
  const events = await app.call('events');
  expect(events.filter((event) => event.type === 'unauthorized')).toEqual([]);
});
