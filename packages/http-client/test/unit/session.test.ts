import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ApiError, type ClientEvent } from '../../src/index.ts';
import { API, PASSWORD, problem, signIn, TAKEN_EMAIL, USER, useFakeApi } from './support.ts';

const t = useFakeApi();

describe('login, register and logout', () => {
  it('when login succeeds, then the session holds the user and the expiry by the client clock, never the token', async () => {
    const tab = t.browser.openTab();

    const session = await tab.client.login({ email: USER.email, password: PASSWORD });

    expect(session).toEqual({ user: USER, accessTokenExpiresAt: t.browser.clock.now() + 300_000, accessTokenLifetime: 300_000 });
    expect(JSON.stringify(session)).not.toContain('at-1');
    expect(tab.client.getSession()).toBe(session);
    expect(tab.events.filter((e) => e.type === 'session-changed')).toMatchObject([{ session }]);
  });

  it('when register succeeds with 201, then the client holds the new session and sends its token', async () => {
    const tab = t.browser.openTab();

    const session = await tab.client.register({ email: 'new@example.com', password: PASSWORD, name: 'New' });
    await tab.client.http.get('/api/me');

    expect(session.user).toEqual(USER);
    expect(t.api.authorizations('/api/me')).toEqual(['Bearer at-1']);
  });

  it('when register is answered 409 email_taken, then an ApiError carries code, status and problem', async () => {
    const tab = t.browser.openTab();

    const error = await tab.client.register({ email: TAKEN_EMAIL, password: PASSWORD, name: 'Twin' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      name: 'ApiError',
      code: 'email_taken',
      status: 409,
      message: 'detail of email_taken',
      problem: { type: 'urn:spa-auth:problem:email_taken', status: 409, code: 'email_taken' },
    });
    expect(tab.client.getSession()).toBeNull();
  });

  it('when register is answered 400 validation_failed, then the ApiError carries the field errors', async () => {
    const tab = t.browser.openTab();

    const error = await tab.client.register({ email: 'new@example.com', password: 'short', name: 'New' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'validation_failed',
      status: 400,
      problem: { errors: [{ path: 'password', message: 'must be at least 12 characters' }] },
    });
  });

  it('when login is answered 401 invalid_credentials, then the ApiError says so and nothing else happens', async () => {
    const tab = t.browser.openTab();

    await expect(tab.client.login({ email: USER.email, password: 'wrong-password' })).rejects.toMatchObject({
      code: 'invalid_credentials',
      status: 401,
    });

    expect(t.api.refreshCalls).toBe(0);
    expect(tab.expired).toEqual([]);
    expect(tab.client.getSession()).toBeNull();
  });

  it('when login is answered 429 with Retry-After, then the ApiError carries retryAfter', async () => {
    t.server.use(http.post(`${API}/auth/login`, () => problem(429, 'rate_limited', { 'Retry-After': '42' })));
    const tab = t.browser.openTab();

    await expect(tab.client.login({ email: USER.email, password: PASSWORD })).rejects.toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryAfter: 42,
    });
  });

  it('when login answers 200 with a body that is not a session, then unexpected_response and no session', async () => {
    t.server.use(http.post(`${API}/auth/login`, () => HttpResponse.json({ accessToken: 'x', tokenType: 'Bearer', user: USER })));
    const tab = t.browser.openTab();

    await expect(tab.client.login({ email: USER.email, password: PASSWORD })).rejects.toMatchObject({ code: 'unexpected_response' });

    expect(tab.client.getSession()).toBeNull();
  });

  it('when an error is not problem+json, then the ApiError says unexpected_response with the status', async () => {
    t.server.use(http.get(`${API}/api/me`, () => new HttpResponse('<h1>Bad gateway</h1>', { status: 502 })));
    const tab = t.browser.openTab();

    await expect(tab.client.http.get('/api/me')).rejects.toMatchObject({ code: 'unexpected_response', status: 502, problem: undefined });
  });

  it('when the API cannot be reached, then the ApiError says network_error with no status', async () => {
    t.server.use(http.get(`${API}/api/me`, () => HttpResponse.error()));
    const tab = t.browser.openTab();

    await expect(tab.client.http.get('/api/me')).rejects.toMatchObject({ code: 'network_error', status: null });
  });

  it('when the user logs out, then the server is told, the session is null and this tab’s app is not told it expired', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);

    await tab.client.logout();

    expect(t.api.count('POST', '/auth/logout')).toBe(1);
    expect(tab.client.getSession()).toBeNull();
    expect(tab.expired).toEqual([]);
    expect(tab.count('session-expired')).toBe(0);
    await expect(tab.client.http.get('/api/me')).rejects.toMatchObject({ code: 'token_missing' });
    expect(t.api.authorizations('/api/me')).toEqual([null]);
  });

  it('when logout cannot reach the API, then it rejects but the session is still ended here and in the other tabs', async () => {
    const [a, b] = [t.browser.openTab(), t.browser.openTab()];
    await signIn(a);
    await t.browser.bus.delivered();
    t.server.use(http.post(`${API}/auth/logout`, () => HttpResponse.error()));

    await expect(a.client.logout()).rejects.toBeDefined();
    await t.browser.bus.delivered();

    expect(a.client.getSession()).toBeNull();
    expect(b.client.getSession()).toBeNull();
    expect(b.expired).toEqual([{ code: 'signed_out' }]);
  });
});

describe('getSession and subscribe', () => {
  it('when nothing changes, then getSession() returns the very same object; when the session changes, a new one', async () => {
    const tab = t.browser.openTab();
    expect(tab.client.getSession()).toBeNull();
    await signIn(tab);

    const first = tab.client.getSession();
    await tab.client.http.get('/api/me');
    await tab.client.http.get('/api/me');
    expect(tab.client.getSession()).toBe(first);

    t.browser.clock.advance(290_000);
    await tab.client.http.get('/api/me');
    const second = tab.client.getSession();
    expect(second).not.toBe(first);
    expect(second?.accessTokenExpiresAt).toBe(t.browser.clock.now() + 300_000);
    expect(tab.client.getSession()).toBe(second);
  });

  it('when a listener unsubscribes, then it hears nothing more while other listeners still do', async () => {
    const tab = t.browser.openTab();
    const heard: ClientEvent[] = [];
    const unsubscribe = tab.client.subscribe((event) => heard.push(event));
    await signIn(tab);
    const before = heard.length;
    expect(before).toBeGreaterThan(0);

    unsubscribe();
    await tab.client.http.get('/api/me');

    expect(heard).toHaveLength(before);
    expect(tab.events.filter((e) => e.type === 'request')).toMatchObject([{ method: 'GET', url: '/api/me', authorized: true }]);
  });

  it('when a listener throws, then requests and other listeners are unaffected', async () => {
    const tab = t.browser.openTab();
    tab.client.subscribe(() => {
      throw new Error('listener bug');
    });
    await signIn(tab);

    await expect(tab.client.http.get('/api/me')).resolves.toMatchObject({ data: { user: USER } });
    expect(tab.count('request')).toBe(1);
  });

  it('when events are emitted, then each carries the client clock time', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.browser.clock.advance(5_000);

    await tab.client.http.get('/api/me');

    expect(tab.events.at(-1)).toMatchObject({ type: 'request', at: t.browser.clock.now() });
  });
});
