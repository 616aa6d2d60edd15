import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/index.ts';
import { deferred, problem, signIn, type Tab, useFakeApi } from './support.ts';

const t = useFakeApi();
const ten = Array.from({ length: 10 }, (_, i) => `w${i}`);

/**
 * Signs in, has the server refuse the token, and holds /auth/refresh until all `ids` have had
 * their 401: every request is then waiting on the one refresh when `answer` is given.
 */
async function burstOnHeldRefresh(tab: Tab, ids: string[], answer: () => Response) {
  await signIn(tab);
  t.api.revokeAccess();
  const release = deferred();
  t.api.onRefresh = async () => {
    await release.promise;
    return answer();
  };
  const results = Promise.allSettled(ids.map((id) => tab.client.http.get(`/api/items/${id}`)));
  await tab.waitFor('unauthorized', ids.length);
  await tab.waitFor('refresh-started');
  release.resolve();
  return (await results).map((r) => (r.status === 'rejected' ? r.reason : r.value));
}

describe('refresh answered 401: the session is over (requirement 9.8)', () => {
  it.each(['refresh_reused', 'session_revoked', 'refresh_expired'] as const)(
    'when the refresh says %s with 10 requests waiting, then onSessionExpired runs once and every request fails with that code',
    async (code) => {
      const tab = t.browser.openTab();

      const failures = await burstOnHeldRefresh(tab, ten, () => problem(401, code));

      expect(tab.expired).toEqual([{ code }]);
      expect(failures).toHaveLength(10);
      for (const failure of failures) {
        expect(failure).toBeInstanceOf(ApiError);
        expect(failure).toMatchObject({ code, status: 401 });
      }
      expect(tab.client.getSession()).toBeNull();
      expect(t.api.refreshCalls).toBe(1);
      expect(tab.events.filter((e) => e.type === 'session-expired')).toMatchObject([{ code }]);
      expect(tab.events.filter((e) => e.type === 'refresh-failed')).toMatchObject([{ code }]);
      expect(tab.count('retried')).toBe(0);
    },
  );

  it('when the session has ended, then later requests go out without a token and no refresh is tried', async () => {
    const tab = t.browser.openTab();
    await burstOnHeldRefresh(tab, ['a'], () => problem(401, 'refresh_reused'));
    t.api.onRefresh = undefined;

    await expect(tab.client.http.get('/api/me')).rejects.toMatchObject({ code: 'token_missing' });

    expect(t.api.authorizations('/api/me')).toEqual([null]);
    expect(t.api.refreshCalls).toBe(1);
    expect(tab.expired).toHaveLength(1);
  });

  it('when requests start while the failing refresh runs on an expired clock, then they wait for it and fail with its code', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.browser.clock.advance(301_000);
    const release = deferred();
    t.api.onRefresh = async () => {
      await release.promise;
      return problem(401, 'session_revoked');
    };

    const first = tab.client.http.get('/api/items/first').catch((e: unknown) => e);
    await tab.waitFor('refresh-started');
    const queued = ten.map((id) => tab.client.http.get(`/api/items/${id}`).catch((e: unknown) => e));
    await tab.waitFor('queued', 10);
    release.resolve();

    for (const failure of [await first, ...(await Promise.all(queued))]) {
      expect(failure).toBeInstanceOf(ApiError);
      expect(failure).toMatchObject({ code: 'session_revoked' });
    }
    expect(t.api.attempts.size).toBe(0);
    expect(tab.expired).toEqual([{ code: 'session_revoked' }]);
  });
});

describe('refresh failed for a passing reason: the session is kept (requirement 9.8)', () => {
  it.each([
    ['a network error', () => HttpResponse.error(), 'network_error', null],
    ['a 503', () => problem(503, 'service_unavailable'), 'service_unavailable', 503],
    ['a 500', () => problem(500, 'internal_error'), 'internal_error', 500],
  ] as const)(
    'when the refresh fails with %s, then waiting requests fail, the session stays and a later request succeeds',
    async (_label, answer, code, status) => {
      const tab = t.browser.openTab();

      const failures = await burstOnHeldRefresh(tab, ten, answer);

      for (const failure of failures) {
        expect(failure).toBeInstanceOf(ApiError);
        expect(failure).toMatchObject({ code, status });
      }
      expect(tab.client.getSession()).not.toBeNull();
      expect(tab.expired).toEqual([]);
      expect(tab.count('session-expired')).toBe(0);
      expect(tab.events.filter((e) => e.type === 'refresh-failed')).toMatchObject([{ code }]);

      t.api.onRefresh = undefined;
      const later = await tab.client.http.get('/api/items/later');
      expect(later.data.token).toBe('Bearer at-2');
      expect(t.api.refreshCalls).toBe(2);
    },
  );

  it('when a refresh after a 401 fails on the network, then a request started meanwhile fails too and never resends the refused token', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.api.revokeAccess();
    const release = deferred();
    t.api.onRefresh = async () => {
      await release.promise;
      return HttpResponse.error();
    };
    const first = tab.client.http.get('/api/items/first').catch((error: unknown) => error);
    await tab.waitFor('refresh-started');
    // Started while the refresh runs; the client's clock still thinks the refused token is fresh.
    const second = tab.client.http.get('/api/items/second').catch((error: unknown) => error);
    await tab.waitFor('queued');
    release.resolve();

    expect(await first).toMatchObject({ code: 'network_error' });
    expect(await second).toMatchObject({ code: 'network_error' });
    expect(t.api.attempts.get('second') ?? 0).toBe(0);
    expect(t.api.refreshCalls).toBe(1);
    expect(tab.client.getSession()).not.toBeNull();
  });

  it('when the refresh is answered 429 with Retry-After: 30, then waiting requests fail with rate_limited and retryAfter 30', async () => {
    const tab = t.browser.openTab();

    const failures = await burstOnHeldRefresh(tab, ten, () => problem(429, 'rate_limited', { 'Retry-After': '30' }));

    for (const failure of failures) {
      expect(failure).toBeInstanceOf(ApiError);
      expect(failure).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 30 });
    }
    expect(tab.client.getSession()).not.toBeNull();
    expect(tab.expired).toEqual([]);
    expect(tab.events.filter((e) => e.type === 'refresh-failed')).toMatchObject([{ code: 'rate_limited', retryAfter: 30 }]);
  });

  it('when a 429 said Retry-After: 30, then no refresh is sent before the clock passes 30 s, and one is sent after', async () => {
    const tab = t.browser.openTab();
    await burstOnHeldRefresh(tab, ['a'], () => problem(429, 'rate_limited', { 'Retry-After': '30' }));
    t.api.onRefresh = undefined;
    expect(t.api.refreshCalls).toBe(1);

    t.browser.clock.advance(29_999);
    await expect(tab.client.http.get('/api/items/b')).rejects.toMatchObject({ code: 'rate_limited', retryAfter: 30 });
    // The clock still thinks the token is fresh: restore() keeps it without asking.
    await expect(tab.client.restore()).resolves.not.toBeNull();
    tab.lifecycle.trigger('bfcache');
    expect(t.api.refreshCalls).toBe(1);
    expect(tab.client.getSession()).not.toBeNull();

    t.browser.clock.advance(1);
    const response = await tab.client.http.get('/api/items/c');

    expect(response.data.token).toBe('Bearer at-2');
    expect(t.api.refreshCalls).toBe(2);
  });

  it('when the refresh fails with 503 while the token is still valid by the clock, then a proactive refresh failure still sends the request with it', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.browser.clock.advance(290_000);
    t.api.onRefresh = () => problem(503, 'service_unavailable');

    const response = await tab.client.http.get('/api/items/a');

    expect(response.data.token).toBe('Bearer at-1');
    expect(t.api.refreshCalls).toBe(1);
    expect(tab.client.getSession()).not.toBeNull();
  });

  it('when the token has expired by the clock and the proactive refresh fails with 503, then the request fails with service_unavailable unsent', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.browser.clock.advance(300_000);
    t.api.onRefresh = () => problem(503, 'service_unavailable');

    await expect(tab.client.http.get('/api/items/a')).rejects.toMatchObject({ code: 'service_unavailable', status: 503 });

    expect(t.api.attempts.size).toBe(0);
    expect(tab.client.getSession()).not.toBeNull();
    expect(tab.expired).toEqual([]);
  });

  it('when the refresh answers 200 with a body that is not a session, then the request fails with unexpected_response and the session is kept', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.api.revokeAccess();
    t.api.onRefresh = () => HttpResponse.json({ accessToken: 'x', tokenType: 'MAC' });

    await expect(tab.client.http.get('/api/items/a')).rejects.toMatchObject({ code: 'unexpected_response' });

    expect(tab.client.getSession()).not.toBeNull();
    expect(tab.expired).toEqual([]);
  });
});
