import type { ClientEvent } from '@spa-auth/http-client';
import { EXPIRY_TIMEOUT, expect, test } from './fixtures.ts';

// Contract 9.7: two pages (tabs) of one browser context share its cookie, its Web Locks and its BroadcastChannel.

test('when two tabs find their token expired at the same moment, then one refreshes and the other takes its token', async ({
  app: first,
  email,
  openPage,
  refreshes,
}) => {
  const second = await openPage();
  // localhost is a secure context even over http, so the client gets the real Web Locks.
  expect(await first.call('hasWebLocks')).toBe(true);
  expect(await second.call('hasWebLocks')).toBe(true);
  await first.call('register', email);
  // The first tab shares its new token: both tabs hold it, and it expires in both at once.
  await expect.poll(() => second.call('getSession')).toMatchObject({ user: { email } });
  expect(refreshes.length).toBe(0);
  await expect
    .poll(
      async () => {
        const sessions = await Promise.all([first.call('getSession'), second.call('getSession')]);
        return sessions.every((session) => session !== null && session.expiresAt <= Date.now());
      },
      { timeout: EXPIRY_TIMEOUT },
    )
    .toBe(true);

  const at = Date.now() + 300;
  const outcomes = await Promise.all([first.call('burst', 5, at), second.call('burst', 5, at)]);

  expect(outcomes.flat()).toEqual(Array.from({ length: 10 }, () => ({ ok: true, status: 200 })));
  expect(refreshes.length).toBe(1);
  const since = (events: ClientEvent[]) => events.filter((event) => event.at >= at);
  const tabs = [since(await first.call('events')), since(await second.call('events'))];
  const refresher = tabs.findIndex((events) => events.some((event) => event.type === 'refresh-started'));
  expect(refresher).not.toBe(-1);
  const other = tabs[1 - refresher] ?? [];
  expect(other.filter((event) => event.type === 'refresh-started')).toEqual([]);
  expect(other.filter((event) => event.type === 'token-from-other-tab')).toHaveLength(1);
});

test('when one tab signs out, then the other is told its session ended and its next call fails without a refresh', async ({
  app: first,
  email,
  openPage,
  refreshes,
}) => {
  const second = await openPage();
  await first.call('register', email);
  await expect.poll(() => second.call('getSession')).toMatchObject({ user: { email } });

  await first.call('logout');

  await expect.poll(() => second.call('expiries')).toEqual([{ code: 'signed_out' }]);
  expect(await second.call('getSession')).toBeNull();
  expect(await first.call('expiries')).toEqual([]);
  const refreshesBefore = refreshes.length;
  expect(await second.call('get', '/api/me')).toMatchObject({ ok: false, status: 401 });
  expect(refreshes.length).toBe(refreshesBefore);
});

test('when a tab is reloaded while another stays open, then it restores its session with one refresh', async ({
  app: first,
  email,
  openPage,
  refreshes,
}) => {
  const second = await openPage();
  await first.call('register', email);
  await expect.poll(() => second.call('getSession')).toMatchObject({ user: { email } });
  const refreshesBefore = refreshes.length;

  await first.reload();
  expect(await first.call('restore')).toMatchObject({ user: { email } });

  expect(refreshes.length).toBe(refreshesBefore + 1);
  expect(await first.call('get', '/api/me')).toEqual({ ok: true, status: 200 });
  expect(await second.call('get', '/api/me')).toEqual({ ok: true, status: 200 });
  expect(refreshes.length).toBe(refreshesBefore + 1);
});

// Whether a tab that waited for another's refresh takes its token or refreshes again must not depend
// on how fast the machine is. These run while a busy loop occupies every core, and repeat, because a
// race shows only now and then; each round counts its extra refreshes, and every count must be 0.
const ROUNDS = 3;

test.describe('with every core busy', () => {
  // One test at a time, so that two sets of busy loops never stack up; page loads are slow on a busy machine.
  test.describe.configure({ mode: 'default', timeout: 180_000 });

  test('when three tabs open at once on a signed-in browser while every core is busy, then every time they restore with one refresh in total', async ({
    app,
    email,
    openPage,
    refreshes,
    busyCores,
  }) => {
    expect(busyCores).toBeGreaterThan(0);
    const tabs = [app, await openPage(), await openPage()];
    await app.call('register', email);
    const extraRefreshes: number[] = [];

    for (let round = 0; round < ROUNDS; round += 1) {
      // Each round opens the three tabs afresh: a reload leaves the cookie and drops the token in memory.
      await Promise.all(tabs.map((tab) => tab.reload()));
      const before = refreshes.length;
      const at = Date.now() + 500;
      const sessions = await Promise.all(tabs.map((tab) => tab.call('restoreAt', at)));
      expect(sessions).toEqual(Array.from({ length: 3 }, () => expect.objectContaining({ user: expect.objectContaining({ email }) })));
      extraRefreshes.push(refreshes.length - before - 1);
    }

    expect(extraRefreshes).toEqual(Array.from({ length: ROUNDS }, () => 0));
  });

  test('when three tabs each send a burst at once on an expiring token while every core is busy, then every time one refresh serves all of them', async ({
    app: first,
    email,
    openPage,
    refreshes,
    busyCores,
  }) => {
    expect(busyCores).toBeGreaterThan(0);
    const tabs = [first, await openPage(), await openPage()];
    await first.call('register', email);
    for (const tab of tabs) await expect.poll(() => tab.call('getSession')).toMatchObject({ user: { email } });
    const extraRefreshes: number[] = [];

    for (let round = 1; round <= ROUNDS; round += 1) {
      // Every client's clock moves a minute on, past its token's expiry, while the API still accepts
      // the token: what is tested is the tabs agreeing on one refresh, not the API.
      await Promise.all(tabs.map((tab) => tab.call('setClockOffset', round * 60_000)));
      const before = refreshes.length;
      const at = Date.now() + 500;
      const outcomes = await Promise.all(tabs.map((tab) => tab.call('burst', 5, at)));
      expect(outcomes.flat()).toEqual(Array.from({ length: 15 }, () => ({ ok: true, status: 200 })));
      extraRefreshes.push(refreshes.length - before - 1);
    }

    expect(extraRefreshes).toEqual(Array.from({ length: ROUNDS }, () => 0));
  });
});
