import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/index.ts';
import { API, CHALLENGE, deferred, problem, signIn, useFakeApi } from './support.ts';

const t = useFakeApi();
const N = 50;
const ids = Array.from({ length: N }, (_, i) => `item-${i}`);

describe('one refresh for any number of requests (requirement 9.3)', () => {
  it('when 50 requests go out on a token the server refuses, then one refresh runs and all 50 succeed, each retried once', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    // The server has expired the token while the client's clock still thinks it is fresh.
    t.api.revokeAccess();

    const responses = await Promise.all(ids.map((id) => tab.client.http.get(`/api/items/${id}`)));

    expect(t.api.count('POST', '/auth/refresh')).toBe(1);
    expect(responses.map((r) => r.data)).toEqual(ids.map((id) => ({ id, token: 'Bearer at-2' })));
    for (const id of ids) expect(t.api.attempts.get(id)).toBe(2);
    expect(tab.count('retried')).toBe(N);
  });

  it('when 50 requests meet a token that the server refuses and their 401s are all held until the last arrives, then still one refresh', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.api.revokeAccess();
    const gate = deferred();
    t.api.itemGate = gate.promise;

    const pending = Promise.all(ids.map((id) => tab.client.http.get(`/api/items/${id}`)));
    await t.api.whenItemRequests(N);
    t.api.itemGate = undefined;
    gate.resolve();
    const responses = await pending;

    expect(t.api.refreshCalls).toBe(1);
    expect(responses.every((r) => r.data.token === 'Bearer at-2')).toBe(true);
    expect([...t.api.attempts.values()]).toEqual(Array(N).fill(2));
  });

  it('when the client clock is past expiry, then 50 requests cause one refresh before sending and no 401 at all', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.browser.clock.advance(301_000);

    const responses = await Promise.all(ids.map((id) => tab.client.http.get(`/api/items/${id}`)));

    expect(t.api.refreshCalls).toBe(1);
    expect(tab.count('unauthorized')).toBe(0);
    expect(tab.count('retried')).toBe(0);
    expect(t.api.authorizations('/api/items/')).toEqual(Array(N).fill('Bearer at-2'));
    expect(responses).toHaveLength(N);
  });

  it('when a burst meets a refused token, then the events are request and unauthorized per request, one refresh, then retried per request', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.api.revokeAccess();
    const start = tab.events.length;

    await Promise.all(ids.slice(0, 10).map((id) => tab.client.http.get(`/api/items/${id}`)));

    const events = tab.events.slice(start);
    const types = events.map((e) => e.type);
    const countOf = (type: string) => types.filter((x) => x === type).length;
    // Each request is sent twice: first with the refused token, then as the retry.
    expect(countOf('request')).toBe(20);
    expect(countOf('unauthorized')).toBe(10);
    expect(countOf('refresh-started')).toBe(1);
    expect(countOf('refresh-finished')).toBe(1);
    expect(countOf('retried')).toBe(10);
    expect(countOf('refresh-failed')).toBe(0);
    const started = types.indexOf('refresh-started');
    const finished = types.indexOf('refresh-finished');
    expect(types.indexOf('unauthorized')).toBeLessThan(started);
    expect(started).toBeLessThan(finished);
    expect(types.indexOf('retried')).toBeGreaterThan(finished);
    expect(events[started]).toMatchObject({ type: 'refresh-started', reason: 'unauthorized' });
    expect(events.find((e) => e.type === 'unauthorized')).toMatchObject({ method: 'GET', code: 'token_expired' });
    expect(events.filter((e) => e.type === 'request').every((e) => e.type === 'request' && e.authorized)).toBe(true);
  });
});

describe('a late 401 (requirement 9.4)', () => {
  it('when a slow request with the old token is refused after the refresh finished, then it is retried with the new token and no second refresh runs', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    const slowGate = deferred();
    t.server.use(
      http.get(`${API}/api/slow`, async ({ request }) => {
        const sent = request.headers.get('authorization');
        if (sent === 'Bearer at-1') await slowGate.promise;
        // Answered now, with the token the server accepts now.
        if (sent !== `Bearer ${t.api.current}`) return problem(401, 'token_expired', { 'WWW-Authenticate': CHALLENGE.invalidToken });
        return HttpResponse.json({ sent });
      }),
    );
    const slow = tab.client.http.get('/api/slow');
    await tab.waitFor('request', 1);
    t.api.revokeAccess();

    const fast = await tab.client.http.get('/api/items/fast');
    expect(fast.data.token).toBe('Bearer at-2');
    expect(t.api.refreshCalls).toBe(1);
    slowGate.resolve();

    await expect(slow).resolves.toMatchObject({ data: { sent: 'Bearer at-2' } });
    expect(t.api.refreshCalls).toBe(1);
    expect(tab.count('refresh-started')).toBe(1);
  });
});

describe('proactive refresh inside the margin (requirement 9.5)', () => {
  it('when the token expires within refreshMargin, then it is refreshed before the request and no 401 comes back', async () => {
    const tab = t.browser.openTab({ refreshMargin: 20_000 });
    await signIn(tab);
    t.browser.clock.advance(300_000 - 19_000);

    const response = await tab.client.http.get('/api/items/a');

    expect(response.data.token).toBe('Bearer at-2');
    expect(t.api.refreshCalls).toBe(1);
    expect(tab.count('unauthorized')).toBe(0);
    expect(t.api.authorizations('/api/items/a')).toEqual(['Bearer at-2']);
    expect(tab.events.find((e) => e.type === 'refresh-started')).toMatchObject({ reason: 'expiring' });
  });

  it('when the token expires just outside refreshMargin, then the request goes out with it and nothing is refreshed', async () => {
    const tab = t.browser.openTab({ refreshMargin: 20_000 });
    await signIn(tab);
    t.browser.clock.advance(300_000 - 21_000);

    await tab.client.http.get('/api/items/a');

    expect(t.api.refreshCalls).toBe(0);
    expect(t.api.authorizations('/api/items/a')).toEqual(['Bearer at-1']);
  });

  it('when no margin is given, then the default 30 s margin applies', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.browser.clock.advance(300_000 - 31_000);
    await tab.client.http.get('/api/items/a');
    expect(t.api.refreshCalls).toBe(0);

    t.browser.clock.advance(2_000);
    await tab.client.http.get('/api/items/b');

    expect(t.api.refreshCalls).toBe(1);
    expect(t.api.authorizations('/api/items/')).toEqual(['Bearer at-1', 'Bearer at-2']);
  });

  it('when the token lives 60 s, then the margin is capped at a quarter of it (15 s), not the 30 s asked for', async () => {
    t.api.expiresIn = 60;
    const tab = t.browser.openTab({ refreshMargin: 30_000 });
    await signIn(tab);
    expect(tab.client.getSession()?.accessTokenExpiresAt).toBe(t.browser.clock.now() + 60_000);

    t.browser.clock.advance(60_000 - 20_000);
    await tab.client.http.get('/api/items/a');
    expect(t.api.refreshCalls).toBe(0);

    t.browser.clock.advance(6_000);
    await tab.client.http.get('/api/items/b');
    expect(t.api.refreshCalls).toBe(1);
    expect(t.api.authorizations('/api/items/')).toEqual(['Bearer at-1', 'Bearer at-2']);
  });

  it('when the refreshed token is fresh again, then the next requests do not refresh', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.browser.clock.advance(290_000);

    await tab.client.http.get('/api/items/a');
    await tab.client.http.get('/api/items/b');
    await tab.client.http.get('/api/items/c');

    expect(t.api.refreshCalls).toBe(1);
    expect(tab.client.getSession()?.accessTokenExpiresAt).toBe(t.browser.clock.now() + 300_000);
  });
});

describe('what never starts a refresh (requirement 9.6)', () => {
  it('when an /auth/* request is answered 401 with error="invalid_token", then no refresh runs and the ApiError comes out', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.server.use(http.post(`${API}/auth/login`, () => problem(401, 'invalid_credentials', { 'WWW-Authenticate': CHALLENGE.invalidToken })));

    const error = await tab.client.login({ email: 'ada@example.com', password: 'wrong' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'invalid_credentials', status: 401 });
    expect(t.api.refreshCalls).toBe(0);
    expect(tab.count('unauthorized')).toBe(0);
  });

  it('when an /auth/* request sent through client.http is refused, then no refresh runs', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.server.use(http.post(`${API}/auth/something`, () => problem(401, 'token_expired', { 'WWW-Authenticate': CHALLENGE.invalidToken })));

    await expect(tab.client.http.post('/auth/something')).rejects.toMatchObject({ code: 'token_expired' });

    expect(t.api.refreshCalls).toBe(0);
  });

  it.each([
    ['a realistic 400 invalid_request', 400, 'invalid_request', CHALLENGE.invalidRequest],
    ['a 400 that even claims invalid_token', 400, 'invalid_request', CHALLENGE.invalidToken],
    ['a realistic 403 insufficient_scope', 403, 'insufficient_scope', CHALLENGE.insufficientScope],
    ['a 403 that even claims invalid_token', 403, 'insufficient_scope', CHALLENGE.invalidToken],
    ['a 401 token_missing with no error in the challenge', 401, 'token_missing', CHALLENGE.missing],
    ['a 401 with no WWW-Authenticate at all', 401, 'token_invalid', undefined],
  ] as const)(
    'when the API answers %s, then no refresh runs and the request fails once with that code',
    async (_label, status, code, challenge) => {
      const tab = t.browser.openTab();
      await signIn(tab);
      let calls = 0;
      t.server.use(
        http.get(`${API}/api/admin/users`, () => {
          calls += 1;
          return problem(status, code, challenge ? { 'WWW-Authenticate': challenge } : {});
        }),
      );

      const error = await tab.client.http.get('/api/admin/users').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code, status });
      expect(calls).toBe(1);
      expect(t.api.refreshCalls).toBe(0);
      expect(tab.count('retried')).toBe(0);
    },
  );

  it('when the API answers 401 invalid_token forever, then one refresh runs and the request fails once, not in a loop', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    let calls = 0;
    t.server.use(
      http.get(`${API}/api/broken`, () => {
        calls += 1;
        // A safety stop, so a client that loops fails this test instead of hanging the run.
        if (calls > 10) return HttpResponse.json({ stoppedAfter: calls });
        return problem(401, 'token_invalid', { 'WWW-Authenticate': CHALLENGE.invalidToken });
      }),
    );

    const error = await tab.client.http.get('/api/broken').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'token_invalid', status: 401 });
    expect(calls).toBe(2);
    expect(t.api.refreshCalls).toBe(1);
    expect(tab.count('retried')).toBe(1);
    // The session itself is fine: the refresh succeeded.
    expect(tab.client.getSession()).not.toBeNull();
  });

  it('when 20 concurrent requests meet an API that answers 401 forever, then still one refresh and each is sent twice at most', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    let calls = 0;
    t.server.use(
      http.get(`${API}/api/broken/:id`, () => {
        calls += 1;
        if (calls > 200) return HttpResponse.json({ stoppedAfter: calls });
        return problem(401, 'token_invalid', { 'WWW-Authenticate': CHALLENGE.invalidToken });
      }),
    );

    const results = await Promise.allSettled(ids.slice(0, 20).map((id) => tab.client.http.get(`/api/broken/${id}`)));

    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof ApiError)).toBe(true);
    expect(calls).toBe(40);
    expect(t.api.refreshCalls).toBe(1);
  });
});
