import { AxiosError } from 'axios';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from '../../src/index.ts';
import { API, CHALLENGE, OTHER, PASSWORD, problem, type SeenRequest, signIn, useFakeApi } from './support.ts';

const t = useFakeApi();

/** Another service that accepts the API's access tokens (it checks them against the API's keys). */
const NOTES = 'http://notes.example.com';
/** Origins that look like NOTES but are not it: a longer host, another port, another scheme. */
const LOOKALIKES = ['http://notes.example.com.evil.test', 'http://notes.example.com:8080', 'https://notes.example.com'];

/**
 * Serves NOTES and the look-alikes. Each accepts the token the API currently accepts and answers any
 * other with the API's 401 invalid_token, so a request that gets a token by mistake is answered as if
 * it were right, and only what was sent tells the two apart.
 */
function serveServices(): SeenRequest[] {
  const seen: SeenRequest[] = [];
  t.server.use(
    ...[NOTES, ...LOOKALIKES].map((origin) =>
      http.all(`${origin}/*`, ({ request }) => {
        const authorization = request.headers.get('authorization');
        seen.push({ method: request.method, url: request.url, authorization, requestedWith: request.headers.get('x-requested-with') });
        if (authorization === null) return problem(401, 'token_missing', { 'WWW-Authenticate': CHALLENGE.missing });
        if (authorization !== `Bearer ${t.api.current}`)
          return problem(401, 'token_expired', { 'WWW-Authenticate': CHALLENGE.invalidToken });
        return HttpResponse.json({ notes: [], token: authorization });
      }),
    ),
  );
  return seen;
}

describe('the access token goes to the origins listed in tokenOrigins as well as the API (requirement 9.17)', () => {
  it('when a listed origin is called, then it gets the token, without the cookie or X-Requested-With, and the API still gets both', async () => {
    const seen = serveServices();
    const tab = t.browser.openTab({ tokenOrigins: [NOTES] });
    await signIn(tab);

    const notes = await tab.client.http.post(`${NOTES}/notes`, { text: 'a' });
    // The cookie endpoints exist only on the API: a token origin's /auth/ path is an ordinary call.
    const notesAuth = await tab.client.http.get(`${NOTES}/auth/refresh`);
    await tab.client.http.get('/api/me');

    expect(seen).toEqual([
      { method: 'POST', url: `${NOTES}/notes`, authorization: 'Bearer at-1', requestedWith: null },
      { method: 'GET', url: `${NOTES}/auth/refresh`, authorization: 'Bearer at-1', requestedWith: null },
    ]);
    expect(notes.config.withCredentials).toBeUndefined();
    expect(notesAuth.config.withCredentials).toBeUndefined();
    expect(t.api.seen.filter((r) => r.url === `${API}/api/me`)).toEqual([
      { method: 'GET', url: `${API}/api/me`, authorization: 'Bearer at-1', requestedWith: 'XMLHttpRequest' },
    ]);
    expect(tab.events.filter((e) => e.type === 'request').map((e) => e.type === 'request' && [e.url, e.authorized])).toEqual([
      [`${NOTES}/notes`, true],
      [`${NOTES}/auth/refresh`, true],
      ['/api/me', true],
    ]);
  });

  it('when an unlisted origin is called, a look-alike, another port or another scheme, then it gets no token and its 401 starts no refresh', async () => {
    const seen = serveServices();
    const tab = t.browser.openTab({ tokenOrigins: [NOTES] });
    await signIn(tab);

    for (const origin of [...LOOKALIKES, OTHER]) {
      const failure = await tab.client.http.get(`${origin}/notes`).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (origin === OTHER) expect(failure).toBeUndefined();
      else {
        // Left to the app as axios answered it: not an ApiError, no refresh, no retry.
        expect(failure).toBeInstanceOf(AxiosError);
        expect(failure).not.toBeInstanceOf(ApiError);
      }
    }

    expect(seen.map((r) => [new URL(r.url).origin, r.authorization, r.requestedWith])).toEqual(
      LOOKALIKES.map((origin) => [origin, null, null]),
    );
    expect(t.api.seen.filter((r) => r.url.startsWith(OTHER))).toEqual([
      { method: 'GET', url: `${OTHER}/notes`, authorization: null, requestedWith: null },
    ]);
    expect(t.api.refreshCalls).toBe(0);
    expect(tab.count('request')).toBe(0);
  });

  it('when no tokenOrigins are given, then the notes service is another origin like any other', async () => {
    const seen = serveServices();
    const tab = t.browser.openTab();
    await signIn(tab);

    await expect(tab.client.http.get(`${NOTES}/notes`)).rejects.toBeInstanceOf(AxiosError);

    expect(seen.map((r) => r.authorization)).toEqual([null]);
    expect(t.api.refreshCalls).toBe(0);
  });

  it('when three calls to a listed origin are answered 401 invalid_token, then one refresh runs and each is retried once with the new token', async () => {
    const seen = serveServices();
    const tab = t.browser.openTab({ tokenOrigins: [NOTES] });
    await signIn(tab);
    t.api.revokeAccess();

    const answers = await Promise.all(['a', 'b', 'c'].map((id) => tab.client.http.get(`${NOTES}/notes/${id}`)));

    expect(answers.map((answer) => answer.data.token)).toEqual(['Bearer at-2', 'Bearer at-2', 'Bearer at-2']);
    expect(t.api.refreshCalls).toBe(1);
    expect(seen.map((r) => r.authorization).sort()).toEqual([
      'Bearer at-1',
      'Bearer at-1',
      'Bearer at-1',
      'Bearer at-2',
      'Bearer at-2',
      'Bearer at-2',
    ]);
    expect(tab.count('unauthorized')).toBe(3);
    expect(tab.count('retried')).toBe(3);
  });

  it('when a listed origin keeps answering 401 invalid_token, then one refresh runs and the call fails once, not in a loop', async () => {
    const seen: Array<string | null> = [];
    t.server.use(
      http.get(`${NOTES}/notes`, ({ request }) => {
        seen.push(request.headers.get('authorization'));
        return problem(401, 'token_expired', { 'WWW-Authenticate': CHALLENGE.invalidToken });
      }),
    );
    const tab = t.browser.openTab({ tokenOrigins: [NOTES] });
    await signIn(tab);

    await expect(tab.client.http.get(`${NOTES}/notes`)).rejects.toMatchObject({ code: 'token_expired', status: 401 });

    expect(seen).toEqual(['Bearer at-1', 'Bearer at-2']);
    expect(t.api.refreshCalls).toBe(1);
    expect(tab.client.getSession()).not.toBeNull();
  });

  it('when the refresh after a listed origin’s 401 says the session is over, then the session ends once and the call fails with that code', async () => {
    serveServices();
    const tab = t.browser.openTab({ tokenOrigins: [NOTES] });
    await signIn(tab);
    t.api.revokeAccess();
    t.api.onRefresh = () => problem(401, 'session_revoked');

    await expect(tab.client.http.get(`${NOTES}/notes`)).rejects.toMatchObject({ code: 'session_revoked', status: 401 });

    expect(tab.expired).toEqual([{ code: 'session_revoked' }]);
    expect(tab.client.getSession()).toBeNull();
    expect(t.api.refreshCalls).toBe(1);
  });

  it('when a listed origin asks for a recent sign-in, then no refresh runs, the app is asked once and the request is sent again with the new token', async () => {
    const recent = new Set<string>();
    const seen: Array<string | null> = [];
    t.server.use(
      http.delete(`${NOTES}/notes/a`, ({ request }) => {
        const authorization = request.headers.get('authorization');
        seen.push(authorization);
        if (recent.has(authorization ?? '')) return new HttpResponse(null, { status: 204 });
        return problem(401, 'insufficient_user_authentication', {
          'WWW-Authenticate': 'Bearer realm="notes", error="insufficient_user_authentication", max_age=600',
        });
      }),
      http.post(`${API}/auth/reauthenticate`, () => {
        const body = t.api.session();
        recent.add(`Bearer ${body.accessToken}`);
        return HttpResponse.json(body, { headers: { 'Cache-Control': 'no-store' } });
      }),
    );
    const prompts: Array<{ maxAgeSeconds: number | undefined }> = [];
    const tab = t.browser.openTab({
      tokenOrigins: [NOTES],
      onReauthenticationRequired: async (info) => {
        prompts.push(info);
        await tab.client.reauthenticate(PASSWORD);
        return true;
      },
    });
    await signIn(tab);

    await expect(tab.client.http.delete(`${NOTES}/notes/a`)).resolves.toMatchObject({ status: 204 });

    expect(seen).toEqual(['Bearer at-1', 'Bearer at-2']);
    expect(prompts).toEqual([{ maxAgeSeconds: 600 }]);
    expect(t.api.refreshCalls).toBe(0);
  });

  it('when the token is inside the refresh margin, then it is refreshed before a call to a listed origin is sent', async () => {
    const seen = serveServices();
    const tab = t.browser.openTab({ tokenOrigins: [NOTES] });
    await signIn(tab);
    t.browser.clock.advance(290_000);

    await tab.client.http.get(`${NOTES}/notes`);

    expect(seen.map((r) => r.authorization)).toEqual(['Bearer at-2']);
    expect(tab.events.filter((e) => e.type === 'refresh-started')).toMatchObject([{ reason: 'expiring' }]);
  });

  it('when a call to a listed origin is made during start-up, then it waits for restore() and carries the restored token', async () => {
    const seen = serveServices();
    t.api.hasSession = true;
    const tab = t.browser.openTab({ tokenOrigins: [NOTES] });

    const restored = tab.client.restore();
    const call = tab.client.http.get(`${NOTES}/notes`);
    await restored;
    await call;

    expect(seen.map((r) => r.authorization)).toEqual(['Bearer at-1']);
    expect(t.api.refreshCalls).toBe(1);
  });
});

describe('tokenOrigins holds exact origins only (requirement 9.17)', () => {
  it.each([
    ['a trailing slash', 'https://notes.example.com/'],
    ['a path', 'https://notes.example.com/api'],
    ['a query', 'https://notes.example.com?'],
    ['a wildcard host', 'https://*.example.com'],
    ['a bare wildcard', '*'],
    ['the opaque origin', 'null'],
    ['a host without a scheme', 'notes.example.com'],
    ['the default port written out', 'https://notes.example.com:443'],
    ['capitals', 'https://Notes.example.com'],
    ['user info', 'https://user@notes.example.com'],
    ['a scheme axios does not speak', 'ws://notes.example.com'],
    ['a file URL', 'file:///notes'],
    ['an empty string', ''],
  ])('when tokenOrigins holds %s (%s), then createApiClient throws and names the value', (_what, value) => {
    expect(() => createApiClient({ baseURL: API, tokenOrigins: [NOTES, value], seams: { channel: null, lifecycle: null } })).toThrow(
      new TypeError(
        `tokenOrigins: ${JSON.stringify(value)} is not an origin: scheme://host[:port] as new URL(url).origin gives it, no path, trailing slash or wildcard`,
      ),
    );
  });

  it('when tokenOrigins holds null (from JavaScript), then createApiClient throws', () => {
    const values = [null] as unknown as string[];
    expect(() => createApiClient({ baseURL: API, tokenOrigins: values, seams: { channel: null, lifecycle: null } })).toThrow(
      /^tokenOrigins: null is not an origin/,
    );
  });

  it('when tokenOrigins holds exact origins, a port and an IPv6 host included, then the client is created', () => {
    const client = createApiClient({
      baseURL: API,
      tokenOrigins: ['https://notes.example.com', 'http://localhost:5173', 'http://[::1]:3000', API],
      seams: { channel: null, lifecycle: null },
    });
    expect(client.getSession()).toBeNull();
    client.dispose();
  });
});
