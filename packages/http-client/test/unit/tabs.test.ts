import { HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/index.ts';
import { deferred, problem, signIn, type Tab, useFakeApi } from './support.ts';

const t = useFakeApi();

describe('start-up is single-flight (requirement 9.9)', () => {
  it('when restore() is called twice at once (StrictMode), then one refresh runs and both get the same session', async () => {
    t.api.hasSession = true;
    const tab = t.browser.openTab();

    const [first, second] = await Promise.all([tab.client.restore(), tab.client.restore()]);

    expect(t.api.refreshCalls).toBe(1);
    expect(first).not.toBeNull();
    expect(second).toBe(first);
    expect(tab.client.getSession()).toBe(first);
    expect(tab.events.find((e) => e.type === 'refresh-started')).toMatchObject({ reason: 'startup' });
  });

  it('when three tabs restore at once, then one refresh runs in the browser and all three end with the session', async () => {
    t.api.hasSession = true;
    const tabs = [t.browser.openTab(), t.browser.openTab(), t.browser.openTab()];

    const sessions = await Promise.all(tabs.map((tab) => tab.client.restore()));

    expect(t.api.refreshCalls).toBe(1);
    for (const session of sessions) expect(session).toMatchObject({ user: { id: 'user-1' } });
    expect(tabs.map((tab) => tab.count('refresh-started'))).toEqual([1, 0, 0]);
    expect(tabs.map((tab) => tab.count('token-from-other-tab'))).toEqual([0, 1, 1]);
    // Each tab that queued learned whose word to wait for: the attempt right before its own.
    const grants = t.browser.locks.grants;
    expect(grants.map((g) => g.previous)).toEqual([null, grants[0]?.id, grants[1]?.id]);

    await Promise.all(tabs.map((tab) => tab.client.http.get('/api/me')));
    expect(t.api.authorizations('/api/me')).toEqual(['Bearer at-1', 'Bearer at-1', 'Bearer at-1']);
    expect(t.api.refreshCalls).toBe(1);
  });

  it('when there is no session (refresh_missing), then restore() resolves null and onSessionExpired is not called', async () => {
    const tab = t.browser.openTab();

    await expect(tab.client.restore()).resolves.toBeNull();

    expect(t.api.refreshCalls).toBe(1);
    expect(tab.expired).toEqual([]);
    expect(tab.count('session-expired')).toBe(0);
    expect(tab.client.getSession()).toBeNull();
  });

  it('when three tabs restore at once and there is no session, then one refresh runs in the browser and all three resolve null', async () => {
    const tabs = [t.browser.openTab(), t.browser.openTab(), t.browser.openTab()];

    const sessions = await Promise.all(tabs.map((tab) => tab.client.restore()));

    expect(sessions).toEqual([null, null, null]);
    expect(t.api.refreshCalls).toBe(1);
    expect(tabs.flatMap((tab) => tab.expired)).toEqual([]);
  });

  it('when restore() is called again after it settled and the token is fresh, then no second refresh runs', async () => {
    t.api.hasSession = true;
    const tab = t.browser.openTab();
    await tab.client.restore();

    await tab.client.restore();

    expect(t.api.refreshCalls).toBe(1);
  });

  it('when restore() is called again after a sign-in or sign-out, then it answers the current session, not the first answer', async () => {
    const tab = t.browser.openTab();
    await expect(tab.client.restore()).resolves.toBeNull();

    const session = await signIn(tab);
    await expect(tab.client.restore()).resolves.toBe(session);

    await tab.client.logout();
    await expect(tab.client.restore()).resolves.toBeNull();
    // Each later restore() asked the server only when it had no fresh token.
    expect(t.api.refreshCalls).toBe(2);
  });

  it('when restore() fails with 503, then it rejects with the ApiError and a later restore() may try again', async () => {
    t.api.hasSession = true;
    t.api.onRefresh = () => problem(503, 'service_unavailable');
    const tab = t.browser.openTab();

    const error = await tab.client.restore().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'service_unavailable', status: 503 });

    t.api.onRefresh = undefined;
    await expect(tab.client.restore()).resolves.toMatchObject({ user: { id: 'user-1' } });
    expect(t.api.refreshCalls).toBe(2);
  });

  it('when requests are made during restore(), then they wait for it and carry the restored token', async () => {
    t.api.hasSession = true;
    const release = deferred();
    t.api.onRefresh = async () => {
      await release.promise;
      return undefined;
    };
    const tab = t.browser.openTab();

    const restoring = tab.client.restore();
    const request = tab.client.http.get('/api/me');
    await tab.waitFor('refresh-started');
    release.resolve();
    await restoring;
    await request;

    expect(t.api.authorizations('/api/me')).toEqual(['Bearer at-1']);
    expect(t.api.refreshCalls).toBe(1);
  });
});

describe('tabs of one browser share the session (requirement 9.7)', () => {
  it('when one tab signs in, then the other gets the session over the channel and uses that token with no refresh of its own', async () => {
    const [a, b] = [t.browser.openTab(), t.browser.openTab()];

    await signIn(a);
    await t.browser.bus.delivered();

    expect(b.client.getSession()).toEqual(a.client.getSession());
    expect(b.events.find((e) => e.type === 'token-from-other-tab')).toMatchObject({
      accessTokenExpiresAt: t.browser.clock.now() + 300_000,
    });
    await b.client.http.get('/api/me');
    expect(t.api.authorizations('/api/me')).toEqual(['Bearer at-1']);
    expect(t.api.refreshCalls).toBe(0);
    expect(b.count('refresh-started')).toBe(0);
  });

  it('when one tab signs out, then the other tab is told signed_out once and its session is null', async () => {
    const [a, b] = [t.browser.openTab(), t.browser.openTab()];
    await signIn(a);
    await t.browser.bus.delivered();

    await a.client.logout();
    await t.browser.bus.delivered();

    expect(b.expired).toEqual([{ code: 'signed_out' }]);
    expect(b.client.getSession()).toBeNull();
    expect(b.events.filter((e) => e.type === 'session-expired')).toMatchObject([{ code: 'signed_out' }]);
    // The tab that asked to sign out is not told its own session expired.
    expect(a.expired).toEqual([]);
    expect(a.client.getSession()).toBeNull();
    await expect(b.client.http.get('/api/me')).rejects.toMatchObject({ code: 'token_missing' });
    expect(t.api.authorizations('/api/me')).toEqual([null]);
  });

  it('when the refresh in one tab is refused, then the session ends in every tab and each app is told once', async () => {
    const [a, b] = [t.browser.openTab(), t.browser.openTab()];
    await signIn(a);
    await t.browser.bus.delivered();
    t.api.revokeAccess();
    t.api.onRefresh = () => problem(401, 'refresh_reused');

    await expect(a.client.http.get('/api/items/x')).rejects.toMatchObject({ code: 'refresh_reused' });
    await t.browser.bus.delivered();

    expect(a.expired).toEqual([{ code: 'refresh_reused' }]);
    expect(b.expired).toEqual([{ code: 'refresh_reused' }]);
    expect(b.client.getSession()).toBeNull();
    expect(t.api.refreshCalls).toBe(1);
  });

  it('when two tabs meet a refused token at once, then one refresh runs between them and both requests succeed with its token', async () => {
    const [a, b] = [t.browser.openTab(), t.browser.openTab()];
    await signIn(a);
    await t.browser.bus.delivered();
    // Time passes, so the refreshed token expires later than the one both tabs hold.
    t.browser.clock.advance(1_000);
    t.api.revokeAccess();
    const shared = a.count('token-from-other-tab') + b.count('token-from-other-tab');

    const [ra, rb] = await Promise.all([a.client.http.get('/api/items/a'), b.client.http.get('/api/items/b')]);

    expect(t.api.refreshCalls).toBe(1);
    expect([ra.data.token, rb.data.token]).toEqual(['Bearer at-2', 'Bearer at-2']);
    expect(a.count('refresh-started') + b.count('refresh-started')).toBe(1);
    expect(a.count('token-from-other-tab') + b.count('token-from-other-tab') - shared).toBe(1);
  });

  it('when a tab without a channel signs in, then it works alone', async () => {
    const alone = t.browser.openTab({ seams: { channel: null } });
    const other = t.browser.openTab();

    await signIn(alone);
    await t.browser.bus.delivered();

    expect(alone.client.getSession()).not.toBeNull();
    expect(other.client.getSession()).toBeNull();
  });

  it('when a tab receives an older token than its own, then it keeps its own', async () => {
    const [a, b] = [t.browser.openTab(), t.browser.openTab()];
    await signIn(a);
    await t.browser.bus.delivered();
    const old = b.client.getSession();
    t.browser.clock.advance(10_000);
    await signIn(b);
    const mine = b.client.getSession();
    await t.browser.bus.delivered();
    expect(a.client.getSession()).toEqual(mine);

    // A stale message from A (its first token) must not replace B's newer one.
    const channel = t.browser.bus.connect();
    channel.post({ type: 'session', token: { value: 'at-1', expiresAt: old?.accessTokenExpiresAt, lifetime: 300_000, user: old?.user } });
    await t.browser.bus.delivered();

    expect(b.client.getSession()).toBe(mine);
    channel.close();
  });

  it('when a message on the channel is not the client’s, then it is ignored', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    const session = tab.client.getSession();
    const channel = t.browser.bus.connect();

    channel.post({ type: 'ended' });
    channel.post({ type: 'session', token: { value: 42 } });
    channel.post('hello');
    await t.browser.bus.delivered();

    expect(tab.client.getSession()).toBe(session);
    expect(tab.expired).toEqual([]);
    channel.close();
  });
});

describe('the next holder of the refresh lock acts on the word of the one before it (requirement 9.7)', () => {
  // Only the long wait for a holder that died runs on timers; every other step waits for an event.
  const WORD_TIMEOUT_MS = 10_000;
  afterEach(() => {
    vi.useRealTimers();
  });

  const settle = (request: Promise<{ data: unknown }>) =>
    request.then(
      (response) => ({ ok: true, data: response.data }),
      (error: unknown) => ({ ok: false, code: (error as ApiError).code }),
    );

  /**
   * Tabs A and B hold a token the API refuses; A's refresh is at the API, B's request got its 401 and
   * B waits for the lock. Every message posted from here on is held back, so A's word reaches B only
   * after B holds the lock, and time stands still until the test moves it.
   */
  async function queueBehindAnotherTab() {
    const [a, b] = [t.browser.openTab(), t.browser.openTab()];
    await signIn(a);
    await t.browser.bus.delivered();
    // Time passes, so the refreshed token expires later than the one both tabs hold.
    t.browser.clock.advance(1_000);
    t.api.revokeAccess();
    const answer = deferred();
    const normal = t.api.onRefresh;
    t.api.onRefresh = async () => {
      await answer.promise;
      return normal?.();
    };
    const requestOfA = settle(a.client.http.get('/api/items/a'));
    await a.waitFor('refresh-started');
    const requestOfB = settle(b.client.http.get('/api/items/b'));
    await b.waitFor('unauthorized');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    t.browser.bus.hold();
    answer.resolve();
    await t.browser.locks.whenGranted(2);
    expect(t.browser.locks.grants[1]).toMatchObject({ previous: t.browser.locks.grants[0]?.id });
    return { a, b, requestOfA, requestOfB };
  }

  /** Lets the clock run almost to the long timeout with the word still held back, then delivers it. */
  async function deliverTheWordLate(b: Tab) {
    await vi.advanceTimersByTimeAsync(WORD_TIMEOUT_MS - 1);
    expect(b.count('refresh-started')).toBe(0);
    vi.useRealTimers();
    t.browser.bus.release();
  }

  it('when the holder refreshed and its token arrives after the next tab holds the lock, then that tab waits for it and sends no refresh', async () => {
    const { a, b, requestOfA, requestOfB } = await queueBehindAnotherTab();
    const shared = b.count('token-from-other-tab');

    await deliverTheWordLate(b);

    await expect(requestOfA).resolves.toEqual({ ok: true, data: { id: 'a', token: 'Bearer at-2' } });
    await expect(requestOfB).resolves.toEqual({ ok: true, data: { id: 'b', token: 'Bearer at-2' } });
    expect(t.api.refreshCalls).toBe(1);
    expect([a.count('refresh-started'), b.count('refresh-started')]).toEqual([1, 0]);
    expect(b.count('token-from-other-tab') - shared).toBe(1);
  });

  it('when the holder found the session ended, then the next tab sends no refresh and ends its session too', async () => {
    t.api.onRefresh = () => problem(401, 'session_revoked');
    const { a, b, requestOfA, requestOfB } = await queueBehindAnotherTab();

    await deliverTheWordLate(b);

    await expect(requestOfA).resolves.toEqual({ ok: false, code: 'session_revoked' });
    await expect(requestOfB).resolves.toEqual({ ok: false, code: 'token_expired' });
    expect(t.api.refreshCalls).toBe(1);
    expect(b.count('refresh-started')).toBe(0);
    expect(b.client.getSession()).toBeNull();
    expect([a.expired, b.expired]).toEqual([[{ code: 'session_revoked' }], [{ code: 'session_revoked' }]]);
  });

  it('when the holder’s refresh failed on the network, then the next tab waits for that word and then refreshes for itself', async () => {
    let failures = 0;
    t.api.onRefresh = () => (failures++ === 0 ? HttpResponse.error() : undefined);
    const { a, b, requestOfA, requestOfB } = await queueBehindAnotherTab();

    await deliverTheWordLate(b);

    await expect(requestOfA).resolves.toEqual({ ok: false, code: 'network_error' });
    await expect(requestOfB).resolves.toEqual({ ok: true, data: { id: 'b', token: 'Bearer at-2' } });
    expect(t.api.refreshCalls).toBe(2);
    expect([a.count('refresh-started'), b.count('refresh-started')]).toEqual([1, 1]);
    // A takes the token B shares, so both tabs go on with one session.
    await t.browser.bus.delivered();
    expect(a.client.getSession()).toEqual(b.client.getSession());
  });

  it('when the holder released the lock without a word (its tab died), then the next tab refreshes once the long wait has run out', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.api.revokeAccess();
    const died = deferred();
    // A tab that took the lock and went away without posting anything. Its id starts with its start time, as the client's do.
    const deadAttempt = `${t.browser.clock.now().toString(36)}.dead-tab`;
    const dead = t.browser.locks.run('spa-auth:refresh', deadAttempt, () => died.promise);
    const request = settle(tab.client.http.get('/api/items/x'));
    await tab.waitFor('unauthorized');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    died.resolve();
    await dead;
    await t.browser.locks.whenGranted(2);
    expect(t.browser.locks.grants[1]?.previous).toBe(deadAttempt);

    await vi.advanceTimersByTimeAsync(WORD_TIMEOUT_MS - 1);
    expect(t.api.refreshCalls).toBe(0);
    await vi.advanceTimersByTimeAsync(1);

    await expect(request).resolves.toEqual({ ok: true, data: { id: 'x', token: 'Bearer at-2' } });
    expect(t.api.refreshCalls).toBe(1);
  });

  it('when the last holder died long ago (its tab closed while it refreshed), then the next refresh does not wait for its word', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    // An attempt that began more than the long wait ago and never posted its word.
    const deadAttempt = `${(t.browser.clock.now() - WORD_TIMEOUT_MS - 1).toString(36)}.dead-tab`;
    await t.browser.locks.run('spa-auth:refresh', deadAttempt, async () => {});
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    await vi.advanceTimersByTimeAsync(0);
    const refreshed = tab.client.refreshSession();
    await vi.advanceTimersByTimeAsync(0);
    await expect(refreshed).resolves.toMatchObject({ user: { id: 'user-1' } });

    expect(t.browser.locks.grants[1]?.previous).toBe(deadAttempt);
    expect(t.api.refreshCalls).toBe(1);
  });

  it('when three tabs queue for the lock and the first one’s token arrives only after the others hold it in turn, then one refresh in total', async () => {
    t.api.hasSession = true;
    const answer = deferred();
    t.api.onRefresh = async () => {
      await answer.promise;
      return undefined;
    };
    const tabs = [t.browser.openTab(), t.browser.openTab(), t.browser.openTab()];
    const restoring = Promise.all(tabs.map((tab) => tab.client.restore()));
    await tabs[0]?.waitFor('refresh-started');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    t.browser.bus.hold();
    answer.resolve();
    await t.browser.locks.whenGranted(2);
    await vi.advanceTimersByTimeAsync(WORD_TIMEOUT_MS - 1);
    expect(t.api.refreshCalls).toBe(1);
    vi.useRealTimers();
    t.browser.bus.release();

    const sessions = await restoring;
    for (const session of sessions) expect(session).toMatchObject({ user: { id: 'user-1' } });
    expect(t.api.refreshCalls).toBe(1);
    expect(tabs.map((tab) => tab.count('refresh-started'))).toEqual([1, 0, 0]);
  });

  it('when a tab asks for the lock just after the holder released it, before the holder’s token reached it, then it waits for that token and sends no refresh', async () => {
    const [a, b] = [t.browser.openTab(), t.browser.openTab()];
    await signIn(a);
    await t.browser.bus.delivered();
    // Both tabs' token is inside its refresh margin now: the next call of either refreshes first.
    t.browser.clock.advance(290_000);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    t.browser.bus.hold();
    await expect(settle(a.client.http.get('/api/items/a'))).resolves.toEqual({ ok: true, data: { id: 'a', token: 'Bearer at-2' } });
    // A has refreshed and released the lock; its word has not reached B, so B still holds the old token.
    const requestOfB = settle(b.client.http.get('/api/items/b'));
    await t.browser.locks.whenGranted(2);
    expect(t.browser.locks.grants[1]).toMatchObject({ previous: t.browser.locks.grants[0]?.id });
    await vi.advanceTimersByTimeAsync(WORD_TIMEOUT_MS - 1);
    expect(t.api.refreshCalls).toBe(1);
    vi.useRealTimers();
    t.browser.bus.release();

    await expect(requestOfB).resolves.toEqual({ ok: true, data: { id: 'b', token: 'Bearer at-2' } });
    expect(t.api.refreshCalls).toBe(1);
    expect([a.count('refresh-started'), b.count('refresh-started')]).toEqual([1, 0]);
  });

  it('when a tab refreshes again after its own refresh, then it does not wait for a word from itself', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await tab.client.refreshSession();
    await tab.client.refreshSession();

    expect(t.api.refreshCalls).toBe(2);
    expect(t.browser.locks.grants[1]).toMatchObject({ previous: t.browser.locks.grants[0]?.id });
  });

  it('when a tab opens after another tab refreshed, then its first refresh does not wait for a word it could not have heard', async () => {
    const a = t.browser.openTab();
    await signIn(a);
    await a.client.refreshSession();
    const b = t.browser.openTab();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    await expect(b.client.restore()).resolves.toMatchObject({ user: { id: 'user-1' } });

    expect(t.api.refreshCalls).toBe(2);
    expect(t.browser.locks.grants[1]).toMatchObject({ previous: null });
  });
});

describe('a page coming back re-checks its session (requirement 9.7)', () => {
  it('when a page with a session comes back from the bfcache, then one refresh runs', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);

    tab.lifecycle.trigger('bfcache');
    await tab.waitFor('refresh-finished');

    expect(t.api.refreshCalls).toBe(1);
    expect(tab.events.find((e) => e.type === 'refresh-started')).toMatchObject({ reason: 'resume' });
  });

  it('when a page comes back from the bfcache and its session ended elsewhere, then the app is told', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.api.onRefresh = () => problem(401, 'session_revoked');

    tab.lifecycle.trigger('bfcache');
    await tab.waitFor('session-expired');

    expect(tab.expired).toEqual([{ code: 'session_revoked' }]);
    expect(tab.client.getSession()).toBeNull();
  });

  it('when a page without a session comes back from the bfcache, then nothing is refreshed', async () => {
    const tab = t.browser.openTab();

    tab.lifecycle.trigger('bfcache');
    tab.lifecycle.trigger('visible');

    expect(t.api.refreshCalls).toBe(0);
    expect(tab.count('refresh-started')).toBe(0);
  });

  it('when a hidden tab becomes visible with a fresh token, then nothing is refreshed', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.browser.clock.advance(200_000);

    tab.lifecycle.trigger('visible');

    expect(tab.count('refresh-started')).toBe(0);
    // A request still goes out with the same token: nothing was refreshed in the background.
    await tab.client.http.get('/api/me');
    expect(t.api.refreshCalls).toBe(0);
  });

  it('when a hidden tab becomes visible with a token inside the margin, then one refresh runs', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.browser.clock.advance(280_000);

    tab.lifecycle.trigger('visible');
    await tab.waitFor('refresh-finished');

    expect(t.api.refreshCalls).toBe(1);
    expect(tab.client.getSession()?.accessTokenExpiresAt).toBe(t.browser.clock.now() + 300_000);
  });

  it('when a client is disposed, then page and channel events no longer reach it', async () => {
    const [a, b] = [t.browser.openTab(), t.browser.openTab()];
    await signIn(b);
    await t.browser.bus.delivered();
    b.client.dispose();

    b.lifecycle.trigger('bfcache');
    await a.client.logout();
    await t.browser.bus.delivered();

    expect(t.api.refreshCalls).toBe(0);
    expect(b.expired).toEqual([]);
  });
});
