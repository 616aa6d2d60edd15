import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/index.ts';
import { API, CHALLENGE, deferred, PASSWORD, problem, signIn, type Tab, useFakeApi } from './support.ts';

const t = useFakeApi();

const STEP_UP_CHALLENGE =
  'Bearer realm="spa-auth", error="insufficient_user_authentication", error_description="This needs a sign-in within the last 600 seconds", max_age=600';
/** RFC 9470's challenge for a route that wants the second factor (requirement 17.15). */
const SECOND_FACTOR_CHALLENGE =
  'Bearer realm="spa-auth", error="insufficient_user_authentication", error_description="This needs a sign-in with a second factor", acr_values="urn:spa-auth:acr:mfa"';

/**
 * A sensitive route and POST /auth/reauthenticate, as the API has them: the route takes only a token
 * the re-authentication issued (a sign-in that counts as recent), and says so with RFC 9470's challenge.
 */
function useStepUpRoutes(options: { alwaysStale?: boolean; challenge?: string } = {}) {
  const fresh = new Set<string>();
  const sensitive: Array<{ authorization: string | null; body: unknown }> = [];
  const reauthentications: Array<{
    authorization: string | null;
    requestedWith: string | null;
    password: string;
    code?: string;
  }> = [];
  let gate: Promise<void> | undefined;
  t.server.use(
    http.post(`${API}/api/sensitive`, async ({ request }) => {
      const authorization = request.headers.get('authorization');
      sensitive.push({ authorization, body: await request.json() });
      // Decided on arrival, answered once the gate opens: the answer may come after a re-authentication.
      const answer = () => {
        if (authorization !== `Bearer ${t.api.current}`)
          return problem(401, 'token_expired', { 'WWW-Authenticate': CHALLENGE.invalidToken });
        if (options.alwaysStale || !fresh.has(t.api.current ?? '')) {
          return problem(401, 'insufficient_user_authentication', { 'WWW-Authenticate': options.challenge ?? STEP_UP_CHALLENGE });
        }
        return new HttpResponse(null, { status: 204 });
      };
      const response = answer();
      await gate;
      return response;
    }),
    http.post(`${API}/auth/reauthenticate`, async ({ request }) => {
      const authorization = request.headers.get('authorization');
      const { password, ...secondFactor } = (await request.json()) as { password: string; code?: string };
      reauthentications.push({ authorization, requestedWith: request.headers.get('x-requested-with'), password, ...secondFactor });
      if (authorization !== `Bearer ${t.api.current}`) return problem(401, 'token_expired', { 'WWW-Authenticate': CHALLENGE.invalidToken });
      if (password !== PASSWORD) return problem(400, 'invalid_credentials');
      const body = t.api.session();
      fresh.add(body.accessToken);
      return HttpResponse.json(body, { headers: { 'Cache-Control': 'no-store' } });
    }),
  );
  return {
    sensitive,
    reauthentications,
    /** Holds every sensitive request until the returned function is called. */
    hold() {
      const held = deferred();
      gate = held.promise;
      return () => {
        gate = undefined;
        held.resolve();
      };
    },
  };
}

/** The app's side of the prompt: counts the prompts and answers each with `answer(tab)`. */
function promptAnswering(answer: (tab: Tab) => Promise<boolean>) {
  const prompts: Array<{ maxAgeSeconds: number | undefined; acrValues: string[] | undefined }> = [];
  let tab: Tab | undefined;
  return {
    prompts,
    bind(bound: Tab) {
      tab = bound;
    },
    onReauthenticationRequired: (info: { maxAgeSeconds: number | undefined; acrValues: string[] | undefined }) => {
      prompts.push(info);
      return answer(tab as Tab);
    },
  };
}

describe('step-up re-authentication (RFC 9470)', () => {
  it('when a sensitive request is answered 401 insufficient_user_authentication, then no refresh starts and the app is asked with max_age', async () => {
    const routes = useStepUpRoutes();
    const prompt = promptAnswering(async () => false);
    const tab = t.browser.openTab({ onReauthenticationRequired: prompt.onReauthenticationRequired });
    await signIn(tab);

    const error = await tab.client.http.post('/api/sensitive', { keep: 'me' }).catch((e: unknown) => e);

    expect(t.api.refreshCalls).toBe(0);
    expect(tab.count('refresh-started')).toBe(0);
    expect(prompt.prompts).toEqual([{ maxAgeSeconds: 600, acrValues: undefined }]);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'insufficient_user_authentication', status: 401 });
    expect(routes.sensitive).toHaveLength(1);
    expect(tab.client.getSession()).not.toBeNull();
  });

  it('when the route wants the second factor (acr_values), then the app is told so, and a re-authentication with a code sends the request again', async () => {
    const routes = useStepUpRoutes({ challenge: SECOND_FACTOR_CHALLENGE });
    const prompt = promptAnswering(async (tab) => {
      await tab.client.reauthenticate(PASSWORD, { code: '123456' });
      return true;
    });
    const tab = t.browser.openTab({ onReauthenticationRequired: prompt.onReauthenticationRequired });
    prompt.bind(tab);
    await signIn(tab);

    const response = await tab.client.http.post('/api/sensitive', { keep: 'me' });

    expect(response.status).toBe(204);
    expect(prompt.prompts).toEqual([{ maxAgeSeconds: undefined, acrValues: ['urn:spa-auth:acr:mfa'] }]);
    expect(routes.reauthentications).toEqual([
      { authorization: 'Bearer at-1', requestedWith: 'XMLHttpRequest', password: PASSWORD, code: '123456' },
    ]);
    expect(t.api.refreshCalls).toBe(0);
  });

  it('when the app re-authenticates and answers true, then the request is sent again once, with its body, on the new token', async () => {
    const routes = useStepUpRoutes();
    const prompt = promptAnswering(async (tab) => {
      await tab.client.reauthenticate(PASSWORD);
      return true;
    });
    const tab = t.browser.openTab({ onReauthenticationRequired: prompt.onReauthenticationRequired });
    prompt.bind(tab);
    await signIn(tab);

    const response = await tab.client.http.post('/api/sensitive', { keep: 'me' });

    expect(response.status).toBe(204);
    expect(prompt.prompts).toHaveLength(1);
    expect(routes.sensitive).toEqual([
      { authorization: 'Bearer at-1', body: { keep: 'me' } },
      { authorization: 'Bearer at-2', body: { keep: 'me' } },
    ]);
    expect(t.api.refreshCalls).toBe(0);
  });

  it('when three sensitive requests meet a stale sign-in at once, then the app is asked once and each is sent again once', async () => {
    const routes = useStepUpRoutes();
    const answered = deferred<boolean>();
    const prompt = promptAnswering(() => answered.promise);
    const tab = t.browser.openTab({ onReauthenticationRequired: prompt.onReauthenticationRequired });
    prompt.bind(tab);
    await signIn(tab);

    const pending = Promise.all([1, 2, 3].map((n) => tab.client.http.post('/api/sensitive', { n })));
    await expect.poll(() => prompt.prompts.length).toBe(1);
    await expect.poll(() => routes.sensitive.length).toBe(3);
    await tab.client.reauthenticate(PASSWORD);
    answered.resolve(true);
    const responses = await pending;

    expect(responses.map((r) => r.status)).toEqual([204, 204, 204]);
    expect(prompt.prompts).toHaveLength(1);
    expect(routes.reauthentications).toHaveLength(1);
    expect(routes.sensitive).toHaveLength(6);
    expect(routes.sensitive.slice(3).map((r) => r.authorization)).toEqual(Array(3).fill('Bearer at-2'));
  });

  it('when a request sent before the re-authentication is answered after it, then it is sent again without a second prompt', async () => {
    const routes = useStepUpRoutes();
    const prompt = promptAnswering(async (tab) => {
      await tab.client.reauthenticate(PASSWORD);
      return true;
    });
    const tab = t.browser.openTab({ onReauthenticationRequired: prompt.onReauthenticationRequired });
    prompt.bind(tab);
    await signIn(tab);

    const release = routes.hold();
    const late = tab.client.http.post('/api/sensitive', { n: 'late' });
    await expect.poll(() => routes.sensitive.length).toBe(1);
    // While its 401 is on its way, the app re-authenticates (another request's prompt, say).
    await tab.client.reauthenticate(PASSWORD);
    release();
    const response = await late;

    expect(response.status).toBe(204);
    expect(prompt.prompts).toHaveLength(0);
    expect(routes.sensitive.map((r) => r.authorization)).toEqual(['Bearer at-1', 'Bearer at-2']);
  });

  it('when the app answers false, or has no prompt, then the request rejects with insufficient_user_authentication and is not sent again', async () => {
    const routes = useStepUpRoutes();
    const prompt = promptAnswering(async () => false);
    const declining = t.browser.openTab({ onReauthenticationRequired: prompt.onReauthenticationRequired });
    const without = t.browser.openTab();
    await signIn(declining);

    const declined = await declining.client.http.post('/api/sensitive', {}).catch((e: unknown) => e);
    await t.browser.bus.delivered();
    const unasked = await without.client.http.post('/api/sensitive', {}).catch((e: unknown) => e);

    expect(declined).toMatchObject({ code: 'insufficient_user_authentication', status: 401 });
    expect(unasked).toMatchObject({ code: 'insufficient_user_authentication', status: 401 });
    expect(routes.sensitive).toHaveLength(2);
    expect(routes.reauthentications).toHaveLength(0);
    expect(t.api.refreshCalls).toBe(0);
  });

  it('when the prompt itself throws, then the request rejects with insufficient_user_authentication', async () => {
    useStepUpRoutes();
    const tab = t.browser.openTab({ onReauthenticationRequired: () => Promise.reject(new Error('dialog broke')) });
    await signIn(tab);

    const error = await tab.client.http.post('/api/sensitive', {}).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'insufficient_user_authentication' });
  });

  it('when the request sent again is answered 401 insufficient_user_authentication again, then it rejects without a second prompt or retry', async () => {
    const routes = useStepUpRoutes({ alwaysStale: true });
    const prompt = promptAnswering(async (tab) => {
      await tab.client.reauthenticate(PASSWORD);
      return true;
    });
    const tab = t.browser.openTab({ onReauthenticationRequired: prompt.onReauthenticationRequired });
    prompt.bind(tab);
    await signIn(tab);

    const error = await tab.client.http.post('/api/sensitive', {}).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'insufficient_user_authentication' });
    expect(prompt.prompts).toHaveLength(1);
    expect(routes.sensitive).toHaveLength(2);
  });
});

describe('reauthenticate(password)', () => {
  it('when the password is right, then it posts it with the token and the CSRF header, adopts the new token, and the other tabs take it', async () => {
    const routes = useStepUpRoutes();
    const tab = t.browser.openTab();
    const other = t.browser.openTab();
    await signIn(tab);
    await t.browser.bus.delivered();
    const refreshesBefore = t.api.refreshCalls;

    const session = await tab.client.reauthenticate(PASSWORD);
    await t.browser.bus.delivered();
    await other.client.http.get('/api/me');

    expect(routes.reauthentications).toEqual([{ authorization: 'Bearer at-1', requestedWith: 'XMLHttpRequest', password: PASSWORD }]);
    expect(session).toBe(tab.client.getSession());
    expect(t.api.authorizations('/api/me')).toEqual(['Bearer at-2']);
    expect(other.count('token-from-other-tab')).toBe(2);
    expect(t.api.refreshCalls).toBe(refreshesBefore);
  });

  it('when the password is wrong, then it rejects with invalid_credentials and the session is kept', async () => {
    useStepUpRoutes();
    const tab = t.browser.openTab();
    const session = await signIn(tab);

    const error = await tab.client.reauthenticate('wrong password').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'invalid_credentials', status: 400 });
    expect(tab.client.getSession()).toBe(session);
    expect(tab.expired).toEqual([]);
  });

  it('when it is limited, then it rejects with rate_limited and Retry-After', async () => {
    t.server.use(http.post(`${API}/auth/reauthenticate`, () => problem(429, 'rate_limited', { 'Retry-After': '42' })));
    const tab = t.browser.openTab();
    await signIn(tab);

    const error = await tab.client.reauthenticate(PASSWORD).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 42 });
  });

  it('when the token expired while the prompt was open, then it refreshes first and sends the new token', async () => {
    const routes = useStepUpRoutes();
    const tab = t.browser.openTab();
    await signIn(tab);
    t.browser.clock.advance(301_000);

    await tab.client.reauthenticate(PASSWORD);

    expect(t.api.refreshCalls).toBe(1);
    expect(routes.reauthentications.map((r) => r.authorization)).toEqual(['Bearer at-2']);
  });
});
