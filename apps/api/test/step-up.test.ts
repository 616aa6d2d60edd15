import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  bearer,
  claimsOf,
  createTestApi,
  expectProblem,
  PASSWORD,
  realBackends,
  refresh,
  refreshCookieOf,
  registerUser,
  setCookieLine,
  XHR,
} from './support.ts';

// Sensitive actions need a password sign-in within REAUTH_MAX_AGE (RFC 9470); a refresh keeps the
// session's auth_time, and POST /auth/reauthenticate moves it to now.
const backends = await realBackends();
const MINUTE = 60_000;

describe.each(backends)('re-authentication for sensitive actions on %s', (_name, open) => {
  const setup = async (env: Record<string, string> = {}) => createTestApi({ ACCESS_TOKEN_TTL: '5m', ...env }, { db: await open() });
  const reauthenticate = (app: Awaited<ReturnType<typeof setup>>['app'], accessToken: string, password: string) =>
    request(app).post('/auth/reauthenticate').set(XHR).set(bearer(accessToken)).send({ password });

  it('when a session refreshes, then its tokens keep the sign-in time as auth_time while iat moves on', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const signedInAt = claimsOf(user.accessToken).auth_time as number;
    expect(signedInAt).toBe(Math.floor(api.clock.now() / 1000));
    api.clock.advance(4 * MINUTE);
    const refreshed = await refresh(api.app, user.refresh).expect(200);
    expect(claimsOf(refreshed.body.accessToken).auth_time).toBe(signedInAt);
    expect(claimsOf(refreshed.body.accessToken).iat).toBe(signedInAt + 240);
  });

  it('when the sign-in is older than REAUTH_MAX_AGE, then a sensitive action is 401 insufficient_user_authentication with max_age, and works after re-authenticating', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    api.clock.advance(11 * MINUTE);
    const fresh = await refresh(api.app, user.refresh).expect(200);
    const token = fresh.body.accessToken as string;

    const refused = await request(api.app).post('/api/sessions/revoke-others').set(bearer(token));
    expectProblem(refused, 401, 'insufficient_user_authentication');
    expect(refused.headers['www-authenticate']).toMatch(
      /^Bearer realm="spa-auth", error="insufficient_user_authentication", error_description="[^"]+", max_age=600$/,
    );
    const { body } = await request(api.app).get('/api/sessions').set(bearer(token)).expect(200);
    const other = await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }).expect(200);
    const otherId = claimsOf(other.body.accessToken).sid as string;
    expect(body.sessions.length).toBeGreaterThan(0);
    // Ending one other session is sensitive too: a stolen session must not end the owner's one by one.
    expectProblem(await request(api.app).delete(`/api/sessions/${otherId}`).set(bearer(token)), 401, 'insufficient_user_authentication');
    // An ordinary route still answers: only the sensitive one wants the password again.
    await request(api.app).get('/api/me').set(bearer(token)).expect(200);

    const stepped = await reauthenticate(api.app, token, PASSWORD).expect(200);
    expect(stepped.headers['cache-control']).toBe('no-store');
    // The session and its cookie stay: nothing is rotated.
    expect(setCookieLine(stepped)).toBeUndefined();
    expect(claimsOf(stepped.body.accessToken)).toMatchObject({ sid: claimsOf(token).sid, auth_time: Math.floor(api.clock.now() / 1000) });
    await request(api.app).post('/api/sessions/revoke-others').set(bearer(stepped.body.accessToken)).expect(204);

    // The next refresh keeps the new sign-in time.
    const again = await refresh(api.app, refreshCookieOf(fresh)).expect(200);
    expect(claimsOf(again.body.accessToken).auth_time).toBe(Math.floor(api.clock.now() / 1000));
  });

  it('when REAUTH_MAX_AGE is set, then that is the bound and the max_age the challenge names', async () => {
    const api = await setup({ REAUTH_MAX_AGE: '2m' });
    const user = await registerUser(api.app);
    api.clock.advance(MINUTE);
    await request(api.app).post('/api/sessions/revoke-others').set(bearer(user.accessToken)).expect(204);
    api.clock.advance(2 * MINUTE);
    const refused = await request(api.app).post('/api/sessions/revoke-others').set(bearer(user.accessToken));
    expectProblem(refused, 401, 'insufficient_user_authentication');
    expect(refused.headers['www-authenticate']).toContain('max_age=120');
  });

  it('when the password is wrong, then 400 invalid_credentials, and after LOGIN_MAX_FAILURES even the right one is 429', async () => {
    const api = await setup({ LOGIN_MAX_FAILURES: '2' });
    const user = await registerUser(api.app);
    for (let i = 0; i < 2; i++)
      expectProblem(await reauthenticate(api.app, user.accessToken, 'not-the-password'), 400, 'invalid_credentials');
    expectProblem(await reauthenticate(api.app, user.accessToken, PASSWORD), 429, 'rate_limited');
  });

  it('when the caller has no token, no CSRF header or a bad body, then 401, 403 and 400, and nothing changes', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    expectProblem(await request(api.app).post('/auth/reauthenticate').set(XHR).send({ password: PASSWORD }), 401, 'token_missing');
    expectProblem(
      await request(api.app).post('/auth/reauthenticate').set(bearer(user.accessToken)).send({ password: PASSWORD }),
      403,
      'csrf_rejected',
    );
    expectProblem(
      await request(api.app)
        .post('/auth/reauthenticate')
        .set(XHR)
        .set(bearer(user.accessToken))
        .send({ password: PASSWORD, role: 'admin' }),
      400,
      'validation_failed',
    );
  });
});
