import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/index.ts';
import { API, PASSWORD, problem, USER, useFakeApi } from './support.ts';

const t = useFakeApi();

const CHALLENGE = 'q2Xz8Yp0e3bQ1uT9r4LkWm7vN6sA5dF0gH2jK8lPz3c';
const CODE = '123456';
const RECOVERY_CODE = 'abcd-efgh-ijkl';

/**
 * The two steps of the API for an account with a second factor (requirement 17.7 to 17.10): the
 * right password answers 401 second_factor_required with a challenge and no session; the second
 * step takes the challenge and one proof, once, and starts the session as login does.
 */
function useSecondFactorRoutes() {
  const secondSteps: Array<{ body: Record<string, unknown>; requestedWith: string | null; authorization: string | null }> = [];
  let used = false;
  t.server.use(
    http.post(`${API}/auth/login`, async ({ request }) => {
      const body = (await request.json()) as { password: string };
      if (body.password !== PASSWORD) return problem(401, 'invalid_credentials');
      return problem(401, 'second_factor_required', {}, { challenge: CHALLENGE, factors: ['totp', 'recovery_code'] });
    }),
    http.post(`${API}/auth/login/second-factor`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      secondSteps.push({
        body,
        requestedWith: request.headers.get('x-requested-with'),
        authorization: request.headers.get('authorization'),
      });
      if (body.challenge !== CHALLENGE || used) return problem(401, 'second_factor_challenge_invalid');
      if (body.code !== CODE && body.recoveryCode !== RECOVERY_CODE) return problem(401, 'second_factor_invalid');
      used = true;
      return HttpResponse.json(t.api.session(), { headers: { 'Cache-Control': 'no-store' } });
    }),
  );
  return { secondSteps };
}

/** The rejection of login() for the enrolled account. */
async function firstStep(tab: ReturnType<typeof t.browser.openTab>): Promise<ApiError> {
  const error = await tab.client.login({ email: USER.email, password: PASSWORD }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('the two-step sign-in of an account with a second factor (requirement 9.18)', () => {
  it('when the password is right, then login() rejects with second_factor_required carrying the challenge and the factors, and no session starts', async () => {
    useSecondFactorRoutes();
    const tab = t.browser.openTab();

    const error = await firstStep(tab);

    expect(error).toMatchObject({
      code: 'second_factor_required',
      status: 401,
      problem: { code: 'second_factor_required', challenge: CHALLENGE, factors: ['totp', 'recovery_code'] },
    });
    expect(tab.client.getSession()).toBeNull();
    // A 401 of /auth/*: never a reason to refresh, nor a session that ended.
    expect(t.api.refreshCalls).toBe(0);
    expect(tab.expired).toEqual([]);
    expect(tab.count('session-changed')).toBe(0);
  });

  it('when completeSignIn() sends the challenge and a code, then the session starts here and in the other tab, as login() starts one', async () => {
    const { secondSteps } = useSecondFactorRoutes();
    const [a, b] = [t.browser.openTab(), t.browser.openTab()];
    const { problem: answer } = await firstStep(a);

    const session = await a.client.completeSignIn(answer?.challenge ?? '', { code: CODE });
    await t.browser.bus.delivered();

    expect(session).toEqual({ user: USER, accessTokenExpiresAt: t.browser.clock.now() + 300_000, accessTokenLifetime: 300_000 });
    expect(a.client.getSession()).toBe(session);
    expect(b.client.getSession()).toEqual(session);
    expect(secondSteps).toEqual([{ body: { challenge: CHALLENGE, code: CODE }, requestedWith: 'XMLHttpRequest', authorization: null }]);
    await b.client.http.get('/api/me');
    expect(t.api.authorizations('/api/me')).toEqual(['Bearer at-1']);
    expect(t.api.refreshCalls).toBe(0);
  });

  it('when completeSignIn() is given a recovery code, then it is sent as recoveryCode and nothing else', async () => {
    const { secondSteps } = useSecondFactorRoutes();
    const tab = t.browser.openTab();
    await firstStep(tab);

    await tab.client.completeSignIn(CHALLENGE, { recoveryCode: RECOVERY_CODE });

    expect(secondSteps.map((step) => step.body)).toEqual([{ challenge: CHALLENGE, recoveryCode: RECOVERY_CODE }]);
    expect(tab.client.getSession()?.user).toEqual(USER);
  });

  it('when the code is wrong, then completeSignIn() rejects with second_factor_invalid, no session starts, and the next code may follow', async () => {
    useSecondFactorRoutes();
    const tab = t.browser.openTab();
    await firstStep(tab);

    await expect(tab.client.completeSignIn(CHALLENGE, { code: '000000' })).rejects.toMatchObject({
      code: 'second_factor_invalid',
      status: 401,
    });
    expect(tab.client.getSession()).toBeNull();
    expect(t.api.refreshCalls).toBe(0);
    expect(tab.expired).toEqual([]);

    await tab.client.completeSignIn(CHALLENGE, { code: CODE });
    expect(tab.client.getSession()?.user).toEqual(USER);
  });

  it('when the challenge was used already, then completeSignIn() rejects with second_factor_challenge_invalid and the session stays as it was', async () => {
    useSecondFactorRoutes();
    const tab = t.browser.openTab();
    await tab.client.completeSignIn(CHALLENGE, { code: CODE });
    const session = tab.client.getSession();

    await expect(tab.client.completeSignIn(CHALLENGE, { code: CODE })).rejects.toMatchObject({
      code: 'second_factor_challenge_invalid',
      status: 401,
    });
    expect(tab.client.getSession()).toBe(session);
  });

  it('when the second step is answered 429, then the ApiError carries retryAfter', async () => {
    useSecondFactorRoutes();
    t.server.use(http.post(`${API}/auth/login/second-factor`, () => problem(429, 'rate_limited', { 'Retry-After': '120' })));
    const tab = t.browser.openTab();

    await expect(tab.client.completeSignIn(CHALLENGE, { code: CODE })).rejects.toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryAfter: 120,
    });
    expect(tab.client.getSession()).toBeNull();
  });

  it('when a second_factor_required answer has a challenge of the wrong shape, then it is an unexpected_response, not a challenge to send back', async () => {
    t.server.use(http.post(`${API}/auth/login`, () => problem(401, 'second_factor_required', {}, { challenge: 42, factors: ['totp'] })));
    const tab = t.browser.openTab();

    const error = await firstStep(tab);

    expect(error).toMatchObject({ code: 'unexpected_response', status: 401, problem: undefined });
  });
});
