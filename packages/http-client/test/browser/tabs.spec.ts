import type { ClientEvent } from '@spa-auth/http-client';
import { EXPIRY_TIMEOUT, expect, type HarnessPage, test } from './fixtures.ts';

// Requirement 9.7: two pages (tabs) of one browser context share its cookie, its Web Locks and its BroadcastChannel.

/** A second tab, open before `first` registers `email`, once the session has reached it over the channel. */
async function openSignedInTab(first: HarnessPage, openPage: () => Promise<HarnessPage>, email: string): Promise<HarnessPage> {
  const second = await openPage();
  await first.call('register', email);
  await expect.poll(() => second.call('getSession')).toMatchObject({ user: { email } });
  return second;
}

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
        return sessions.every((session) => session !== null && session.accessTokenExpiresAt <= Date.now());
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

test('when a tab asks for the refresh lock just after another tab released it, before that tab’s token reached it, then it waits for the token and sends no refresh', async ({
  app: first,
  email,
  openPage,
  refreshes,
}) => {
  const second = await openSignedInTab(first, openPage, email);
  // Both clients' clocks move a minute on, past the token's expiry: each refreshes before its next call.
  await Promise.all([first, second].map((tab) => tab.call('setClockOffset', 60_000)));
  // The first tab's word will reach the second only when the test lets it.
  await second.call('holdWords');

  expect(await first.call('get', '/api/me')).toEqual({ ok: true, status: 200 });
  expect(refreshes.length).toBe(1);
  // The first tab has refreshed and let go of the lock; the second still holds the old token.
  const call = second.call('get', '/api/me');
  await expect.poll(() => second.call('refreshLockHeld')).toBe(true);
  expect(refreshes.length).toBe(1);
  await second.call('releaseWords');

  expect(await call).toEqual({ ok: true, status: 200 });
  expect(refreshes.length).toBe(1);
  const events = await second.call('events');
  expect(events.filter((event) => event.type === 'refresh-started')).toEqual([]);
  expect(events.filter((event) => event.type === 'token-from-other-tab')).toHaveLength(2);
});

test('when tabs take the refresh lock in turn, then each is told the attempt that held it last, and a tab opened later is not told of the ones before it', async ({
  app: first,
  openPage,
}) => {
  const second = await openPage();

  expect(await first.call('takeTestLock', 'a-1')).toBeNull();
  expect(await second.call('takeTestLock', 'b-1')).toBe('a-1');
  expect(await second.call('takeTestLock', 'b-2')).toBe('b-1');
  const third = await openPage();
  // Opened after b-2 posted its word: it could not have heard it, so it must not wait for it.
  expect(await third.call('takeTestLock', 'c-1')).toBeNull();
  expect(await first.call('takeTestLock', 'a-2')).toBe('c-1');
});

test('when one tab signs out, then the other is told its session ended and its next call fails without a refresh', async ({
  app: first,
  email,
  openPage,
  refreshes,
}) => {
  const second = await openSignedInTab(first, openPage, email);

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
  const second = await openSignedInTab(first, openPage, email);
  const refreshesBefore = refreshes.length;

  await first.reload();
  expect(await first.call('restore')).toMatchObject({ user: { email } });

  expect(refreshes.length).toBe(refreshesBefore + 1);
  expect(await first.call('get', '/api/me')).toEqual({ ok: true, status: 200 });
  expect(await second.call('get', '/api/me')).toEqual({ ok: true, status: 200 });
  expect(refreshes.length).toBe(refreshesBefore + 1);
});
