import { ACR_MFA, ACR_PASSWORD, RECOVERY_CODE_COUNT } from '@spa-auth/contract';
import jwt from 'jsonwebtoken';
import { Secret } from 'otpauth';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokens } from '../src/auth/access-tokens.ts';
import {
  activityOf,
  bearer,
  claimsOf,
  createApiToken,
  createMailingTestApi,
  createTestApi,
  enrolTotp,
  expectProblem,
  login,
  PASSWORD,
  realBackends,
  reauthenticate,
  refresh,
  refreshCookieOf,
  registerAdmin,
  registerUser,
  resetPasswordThroughMail,
  setCookieLine,
  sharedEmbeddedDatabase,
  TEST_MFA_KEY,
  type TestApi,
  TOTP_STEP_MS,
  totpCodeAt,
  useMailCatcher,
  XHR,
} from './support.ts';

// Section 17: an authenticator app (TOTP) with recovery codes, the two-step sign-in, amr and acr in
// the tokens, and the step-up that asks for the factor. One API per backend for most tests (each
// test makes its own account); the limits and REQUIRE_MFA_FOR_ADMIN get APIs of their own.
const backends = await realBackends();

const MINUTE = 60_000;
/** A new account with a confirmed authenticator app (enrolTotp). */
async function enrolledUser(api: TestApi) {
  const user = await registerUser(api.app);
  return { ...user, ...(await enrolTotp(api, user.accessToken)) };
}

const secondStep = (api: Pick<TestApi, 'app'>, body: Record<string, unknown>) =>
  request(api.app).post('/auth/login/second-factor').set(XHR).send(body);

/** The first step: 401 second_factor_required with a challenge; nothing else. */
async function firstStep(api: Pick<TestApi, 'app'>, email: string): Promise<string> {
  const res = await login(api, email);
  const problem = expectProblem(res, 401, 'second_factor_required');
  return problem.challenge as string;
}

describe.each(backends)('a second factor on %s', (_name, open) => {
  let api: TestApi;
  beforeAll(async () => {
    // Many failures on purpose, from one address: the limits have their own test below.
    api = await createTestApi({ LOGIN_MAX_FAILURES: '50', MFA_ENCRYPTION_KEY: TEST_MFA_KEY }, { db: await open() });
  });

  it('when an authenticator app is enrolled, then it is pending until a first code of its newest secret confirms it, and 10 recovery codes are shown once', async () => {
    const user = await registerUser(api.app);
    const status = () => request(api.app).get('/api/me/second-factor').set(bearer(user.accessToken)).expect(200);
    expect((await status()).body).toEqual({ totp: null, totpPending: false, recoveryCodesLeft: 0 });

    const first = await request(api.app).post('/api/me/totp').set(bearer(user.accessToken)).expect(201);
    const replaced = first.body.secret as string;
    expect(replaced).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(first.body.otpauthUri);
    expect(`${uri.protocol}//${uri.host}`).toBe('otpauth://totp');
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({
      secret: replaced,
      issuer: 'spa-auth',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
    expect(decodeURIComponent(uri.pathname)).toBe(`/spa-auth:${user.email}`);
    expect((await status()).body).toEqual({ totp: null, totpPending: true, recoveryCodesLeft: 0 });
    // Pending: the password alone still signs in.
    await login(api, user.email).expect(200);

    const second = await request(api.app).post('/api/me/totp').set(bearer(user.accessToken)).expect(201);
    const secret = second.body.secret as string;
    expect(secret).not.toBe(replaced);
    const confirm = (code: string) => request(api.app).post('/api/me/totp/confirm').set(bearer(user.accessToken)).send({ code });
    const wrong = totpCodeAt(secret, api.clock.now()) === '000000' ? '111111' : '000000';
    expectProblem(await confirm(wrong), 400, 'second_factor_invalid');
    expectProblem(await confirm(totpCodeAt(replaced, api.clock.now())), 400, 'second_factor_invalid');
    expectProblem(await confirm('12345'), 400, 'validation_failed');

    const confirmed = await confirm(totpCodeAt(secret, api.clock.now())).expect(200);
    expect(confirmed.headers['cache-control']).toBe('no-store');
    const codes = confirmed.body.recoveryCodes as string[];
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect((await status()).body).toEqual({
      totp: { enrolledAt: new Date(api.clock.now()).toISOString() },
      totpPending: false,
      recoveryCodesLeft: 10,
    });
    // Shown once: nothing lists them again, and the database keeps neither them nor the secret in clear.
    const { rows } = await api.db.query<{ secret: Buffer | Uint8Array }>(
      'SELECT secret_encrypted AS secret FROM totp_factors WHERE user_id = $1',
      [user.user.id],
    );
    const stored = Buffer.from(rows[0]?.secret ?? []);
    expect(stored.includes(Buffer.from(Secret.fromBase32(secret).buffer))).toBe(false);
    expect(stored.length).toBeGreaterThan(20);
    const hashes = await api.db.query<{ hash: Buffer | Uint8Array }>('SELECT code_hash AS hash FROM recovery_codes WHERE user_id = $1', [
      user.user.id,
    ]);
    expect(hashes.rows.map((row) => Buffer.from(row.hash).length)).toEqual(Array(10).fill(32));

    expectProblem(await request(api.app).post('/api/me/totp').set(bearer(user.accessToken)), 409, 'second_factor_already_enrolled');
    expectProblem(await confirm(totpCodeAt(secret, api.clock.now())), 409, 'second_factor_not_enrolled');
    // Person only: an API token never sees or changes the factor.
    const token = await createApiToken(api.app, user.accessToken, { scopes: ['profile:read'] });
    expectProblem(await request(api.app).get('/api/me/second-factor').set(bearer(token.secret)), 403, 'api_token_not_allowed');
  });

  it('when the sign-in is older than REAUTH_MAX_AGE, then enrolling is refused with the step-up challenge', async () => {
    const user = await registerUser(api.app);
    api.clock.advance(11 * MINUTE);
    const refreshed = await refresh(api.app, user.refresh).expect(200);
    const refused = await request(api.app).post('/api/me/totp').set(bearer(refreshed.body.accessToken));
    expectProblem(refused, 401, 'insufficient_user_authentication');
    expect(refused.headers['www-authenticate']).toContain('max_age=600');
  });

  it('when a password is right for an account with a second factor, then no session or cookie is made until the second step, whose tokens say mfa, after refreshes too', async () => {
    const user = await enrolledUser(api);
    const sessionsBefore = (await api.db.query('SELECT id FROM sessions WHERE user_id = $1', [user.user.id])).rows.length;
    const res = await login(api, user.email);
    const problem = expectProblem(res, 401, 'second_factor_required');
    expect(problem.factors).toEqual(['totp', 'recovery_code']);
    expect(problem.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(setCookieLine(res)).toBeUndefined();
    expect(res.body.accessToken).toBeUndefined();
    expect((await api.db.query('SELECT id FROM sessions WHERE user_id = $1', [user.user.id])).rows).toHaveLength(sessionsBefore);
    // The challenge is kept only as its SHA-256.
    const { rows } = await api.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sign_in_challenges WHERE user_id = $1', [
      user.user.id,
    ]);
    expect(rows[0]?.n).toBe(1);

    const signedIn = await secondStep(api, { challenge: problem.challenge, code: totpCodeAt(user.secret, api.clock.now()) }).expect(200);
    expect(signedIn.headers['cache-control']).toBe('no-store');
    expect(refreshCookieOf(signedIn)).toBeDefined();
    expect(signedIn.body.user).toMatchObject({ id: user.user.id, email: user.email });
    expect(claimsOf(signedIn.body.accessToken)).toMatchObject({
      amr: ['pwd', 'otp', 'mfa'],
      acr: ACR_MFA,
      auth_time: Math.floor(api.clock.now() / 1000),
    });

    api.clock.advance(2 * MINUTE);
    const refreshed = await refresh(api.app, refreshCookieOf(signedIn)).expect(200);
    expect(claimsOf(refreshed.body.accessToken)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: ACR_MFA });
    // The registration's session signed in with the password alone, before the factor existed.
    const old = await refresh(api.app, user.refresh).expect(200);
    expect(claimsOf(old.body.accessToken)).toMatchObject({ amr: ['pwd'], acr: ACR_PASSWORD });

    // The challenge worked once.
    expectProblem(
      await secondStep(api, { challenge: problem.challenge, code: totpCodeAt(user.secret, api.clock.now()) }),
      401,
      'second_factor_challenge_invalid',
    );
  });

  it('when a code is used again, or a code of an earlier step after a later one, then the second step refuses it', async () => {
    const user = await enrolledUser(api);
    const code = totpCodeAt(user.secret, api.clock.now());
    await secondStep(api, { challenge: await firstStep(api, user.email), code }).expect(200);
    const challenge = await firstStep(api, user.email);
    expectProblem(await secondStep(api, { challenge, code }), 401, 'second_factor_invalid');
    // One step of drift is accepted, but not going back behind a step already used.
    expectProblem(
      await secondStep(api, { challenge, code: totpCodeAt(user.secret, api.clock.now() - TOTP_STEP_MS) }),
      401,
      'second_factor_invalid',
    );
    await secondStep(api, { challenge, code: totpCodeAt(user.secret, api.clock.now() + TOTP_STEP_MS) }).expect(200);
    // Two steps away is too far, whatever was used before.
    api.clock.advance(10 * TOTP_STEP_MS);
    expectProblem(
      await secondStep(api, {
        challenge: await firstStep(api, user.email),
        code: totpCodeAt(user.secret, api.clock.now() + 2 * TOTP_STEP_MS),
      }),
      401,
      'second_factor_invalid',
    );
  });

  it('when a recovery code is given instead, then it signs in once, however it is typed, and the count goes down', async () => {
    const user = await enrolledUser(api);
    const code = user.recoveryCodes[3] as string;
    const typed = ` ${code.toUpperCase().replaceAll('-', ' ')} `;
    const signedIn = await secondStep(api, { challenge: await firstStep(api, user.email), recoveryCode: typed }).expect(200);
    expect(claimsOf(signedIn.body.accessToken)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: ACR_MFA });
    expectProblem(await secondStep(api, { challenge: await firstStep(api, user.email), recoveryCode: code }), 401, 'second_factor_invalid');
    const status = await request(api.app).get('/api/me/second-factor').set(bearer(signedIn.body.accessToken)).expect(200);
    expect(status.body.recoveryCodesLeft).toBe(9);
  });

  it('when the second step has no first, a bad body, an expired challenge or five wrong codes, then it is refused with its code', async () => {
    const user = await enrolledUser(api);
    const code = () => totpCodeAt(user.secret, api.clock.now());
    expectProblem(await secondStep(api, { challenge: 'never-issued', code: code() }), 401, 'second_factor_challenge_invalid');
    const challenge = await firstStep(api, user.email);
    expectProblem(await secondStep(api, { challenge }), 400, 'validation_failed');
    expectProblem(await secondStep(api, { challenge, code: code(), recoveryCode: user.recoveryCodes[0] }), 400, 'validation_failed');
    expectProblem(await request(api.app).post('/auth/login/second-factor').send({ challenge, code: code() }), 403, 'csrf_rejected');

    // Five minutes, then the challenge is void (requirement 17.7).
    api.clock.advance(5 * MINUTE);
    expectProblem(await secondStep(api, { challenge, code: code() }), 401, 'second_factor_challenge_invalid');

    const tried = await firstStep(api, user.email);
    const right = code();
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expectProblem(await secondStep(api, { challenge: tried, code: wrong }), 401, 'second_factor_invalid');
    expectProblem(await secondStep(api, { challenge: tried, code: right }), 401, 'second_factor_challenge_invalid');
    // Four wrong codes and then the right one still sign in.
    const patient = await firstStep(api, user.email);
    for (let i = 0; i < 4; i++) await secondStep(api, { challenge: patient, code: wrong }).expect(401);
    await secondStep(api, { challenge: patient, code: right }).expect(200);

    const signedIn = await secondStep(api, { challenge: await firstStep(api, user.email), recoveryCode: user.recoveryCodes[0] }).expect(
      200,
    );
    const events = await activityOf(api, signedIn.body.accessToken);
    expect(events).toContainEqual({ type: 'second_factor_failed', detail: 'a wrong or used authenticator code, to sign in' });
    expect(events).toContainEqual({ type: 'second_factor_used', detail: 'recovery code, to sign in' });
    expect(events).toContainEqual({ type: 'signed_in', detail: 'with a second factor' });
    expect(events).toContainEqual({ type: 'second_factor_enrolled', detail: 'an authenticator app, with 10 recovery codes' });
  });

  it('when the password changes or the account is disabled after the first step, then its challenge no longer works', async () => {
    const user = await enrolledUser(api);
    const challenge = await firstStep(api, user.email);
    await request(api.app)
      .put('/api/me/password')
      .set(bearer(user.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'another-long-password' })
      .expect(204);
    expectProblem(
      await secondStep(api, { challenge, code: totpCodeAt(user.secret, api.clock.now()) }),
      401,
      'second_factor_challenge_invalid',
    );

    expectProblem(await login(api, user.email), 401, 'invalid_credentials');
    const fresh = expectProblem(await login(api, user.email, 'another-long-password'), 401, 'second_factor_required').challenge;
    await api.db.query('UPDATE users SET disabled_at = now() WHERE id = $1', [user.user.id]);
    expectProblem(
      await secondStep(api, { challenge: fresh, code: totpCodeAt(user.secret, api.clock.now()) }),
      401,
      'second_factor_challenge_invalid',
    );
  });

  it('when a challenge is made on one instance, then another instance sharing the database and key completes it, once', async () => {
    const other = await createTestApi({ MFA_ENCRYPTION_KEY: TEST_MFA_KEY }, { db: api.db });
    const user = await enrolledUser(api);
    const challenge = await firstStep(api, user.email);
    other.clock.set(api.clock.now());
    await secondStep(other, { challenge, code: totpCodeAt(user.secret, other.clock.now()) }).expect(200);
    expectProblem(
      await secondStep(api, { challenge, code: totpCodeAt(user.secret, api.clock.now() + TOTP_STEP_MS) }),
      401,
      'second_factor_challenge_invalid',
    );
  });

  it('when an account with a second factor re-authenticates, then it must give the factor, and the token says so', async () => {
    const user = await enrolledUser(api);
    const missing = expectProblem(await reauthenticate(api, user.accessToken, { password: PASSWORD }), 400, 'second_factor_required');
    expect(missing.factors).toEqual(['totp', 'recovery_code']);
    const right = totpCodeAt(user.secret, api.clock.now());
    const wrong = right === '000000' ? '111111' : '000000';
    expectProblem(await reauthenticate(api, user.accessToken, { password: PASSWORD, code: wrong }), 400, 'second_factor_invalid');
    expectProblem(await reauthenticate(api, user.accessToken, { password: 'not-the-password', code: right }), 400, 'invalid_credentials');
    const stepped = await reauthenticate(api, user.accessToken, { password: PASSWORD, code: right }).expect(200);
    expect(claimsOf(stepped.body.accessToken)).toMatchObject({
      sid: claimsOf(user.accessToken).sid,
      amr: ['pwd', 'otp', 'mfa'],
      acr: ACR_MFA,
      auth_time: Math.floor(api.clock.now() / 1000),
    });
    // The session keeps what the re-authentication proved.
    expect(claimsOf((await refresh(api.app, user.refresh).expect(200)).body.accessToken)).toMatchObject({ acr: ACR_MFA });
    await reauthenticate(api, user.accessToken, { password: PASSWORD, recoveryCode: user.recoveryCodes[1] }).expect(200);

    const events = await activityOf(api, stepped.body.accessToken);
    expect(events).toContainEqual({ type: 'second_factor_used', detail: 'authenticator code, to confirm it was you' });
    expect(events).toContainEqual({ type: 'second_factor_failed', detail: 'a wrong or used authenticator code, to confirm it was you' });
  });

  it('when the factor is removed or its recovery codes renewed, then a recent sign-in with the factor is needed, and the old codes die', async () => {
    const user = await enrolledUser(api);
    // The registration's session proved the password only.
    const regenerate = (token: string) => request(api.app).post('/api/me/recovery-codes').set(bearer(token));
    const refused = await regenerate(user.accessToken);
    expectProblem(refused, 401, 'insufficient_user_authentication');
    expect(refused.headers['www-authenticate']).toMatch(
      /^Bearer realm="spa-auth", error="insufficient_user_authentication", error_description="[^"]+", acr_values="urn:spa-auth:acr:mfa", max_age=600$/,
    );
    const stepped = await reauthenticate(api, user.accessToken, {
      password: PASSWORD,
      code: totpCodeAt(user.secret, api.clock.now()),
    }).expect(200);
    const renewed = await regenerate(stepped.body.accessToken).expect(200);
    expect(renewed.body.recoveryCodes).toHaveLength(10);
    expectProblem(
      await secondStep(api, { challenge: await firstStep(api, user.email), recoveryCode: user.recoveryCodes[0] }),
      401,
      'second_factor_invalid',
    );

    // With the factor, but too long ago.
    api.clock.advance(11 * MINUTE);
    const stale = (await refresh(api.app, user.refresh).expect(200)).body.accessToken as string;
    expectProblem(await request(api.app).delete('/api/me/totp').set(bearer(stale)), 401, 'insufficient_user_authentication');
    const fresh = await reauthenticate(api, stale, { password: PASSWORD, recoveryCode: renewed.body.recoveryCodes[0] }).expect(200);
    await request(api.app).delete('/api/me/totp').set(bearer(fresh.body.accessToken)).expect(204);

    // Gone: the password alone signs in again, and there is nothing left to remove.
    await login(api, user.email).expect(200);
    expectProblem(await request(api.app).delete('/api/me/totp').set(bearer(fresh.body.accessToken)), 403, 'second_factor_not_enrolled');
    expectProblem(await regenerate(fresh.body.accessToken), 403, 'second_factor_not_enrolled');
    const events = await activityOf(api, fresh.body.accessToken);
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['recovery_codes_regenerated', 'second_factor_removed']));
  });
});

describe.each(backends)('the limits of the second step on %s', (_name, open) => {
  it('when codes keep failing, then the user and then the address are refused for the window, and a right password counts as no failed login', async () => {
    const api = await createTestApi({ LOGIN_MAX_FAILURES: '2' }, { db: await open() });
    const user = await enrolledUser(api);
    // Three right passwords: the first step is no failed login (LOGIN_MAX_FAILURES is 2).
    for (let i = 0; i < 3; i++) await firstStep(api, user.email);
    const challenge = await firstStep(api, user.email);
    const right = totpCodeAt(user.secret, api.clock.now());
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 2; i++) await secondStep(api, { challenge, code: wrong }).expect(401);
    expectProblem(await secondStep(api, { challenge, code: right }), 429, 'rate_limited');

    // Per address: four times as many, on challenges of nobody too.
    for (let i = 0; i < 6; i++) await secondStep(api, { challenge: `unknown-${i}`, code: wrong }).expect(401);
    expectProblem(await secondStep(api, { challenge: 'unknown-x', code: wrong }), 429, 'rate_limited');

    api.clock.advance(15 * MINUTE + 1000);
    await secondStep(api, { challenge: await firstStep(api, user.email), code: totpCodeAt(user.secret, api.clock.now()) }).expect(200);
  });
});

describe.each(backends)('REQUIRE_MFA_FOR_ADMIN on %s', (_name, open) => {
  it('when it is on, then admin routes ask an admin for the second factor, or to enrol one, and admin-scoped API tokens need it too', async () => {
    const api = await createTestApi({ REQUIRE_MFA_FOR_ADMIN: 'true' }, { db: await open() });
    const admin = await registerAdmin(api);
    const users = (token: string) => request(api.app).get('/api/admin/users').set(bearer(token));
    expectProblem(await users(admin.accessToken), 403, 'second_factor_not_enrolled');
    // Anyone else is refused as before, by role.
    const member = await registerUser(api.app);
    expectProblem(await users(member.accessToken), 403, 'insufficient_scope');

    const { secret } = await enrolTotp(api, admin.accessToken);
    const asked = await users(admin.accessToken);
    expectProblem(asked, 401, 'insufficient_user_authentication');
    expect(asked.headers['www-authenticate']).toMatch(/acr_values="urn:spa-auth:acr:mfa"$/);
    expectProblem(
      await request(api.app).patch(`/api/Admin/users/${member.user.id}`).set(bearer(admin.accessToken)).send({ disabled: true }),
      401,
      'insufficient_user_authentication',
    );
    // An admin scope needs the second factor; a user's scope does not.
    expectProblem(
      await request(api.app)
        .post('/api/tokens')
        .set(bearer(admin.accessToken))
        .send({ name: 'ops', scopes: ['admin:read'], expiresInDays: 7 }),
      401,
      'insufficient_user_authentication',
    );
    await createApiToken(api.app, admin.accessToken, { scopes: ['profile:read'] });

    const stepped = await reauthenticate(api, admin.accessToken, { password: PASSWORD, code: totpCodeAt(secret, api.clock.now()) }).expect(
      200,
    );
    await users(stepped.body.accessToken).expect(200);
    const token = await createApiToken(api.app, stepped.body.accessToken, { scopes: ['admin:read'] });
    // The token was made with the second factor, so the admin routes take it.
    await users(token.secret).expect(200);
  });
});

describe('mail and the password reset of an account with a second factor', () => {
  const mail = useMailCatcher();

  it('when the factor is added or removed, then the owner is mailed, and a reset link alone signs nobody in', async () => {
    const api = await createMailingTestApi(mail.current(), { MFA_ENCRYPTION_KEY: TEST_MFA_KEY }, { db: await sharedEmbeddedDatabase() });
    const user = await enrolledUser(api);
    const added = await mail.current().nextMessage((m) => m.to.includes(user.email) && /second factor was added/.test(m.subject));
    expect(added.text).toContain('authenticator app');

    const reset = await resetPasswordThroughMail(api, mail.current(), user.email, 'a-brand-new-password-9');
    // The password is replaced, but a mailbox alone does not get past the second factor.
    const problem = expectProblem(reset, 401, 'second_factor_required');
    expect(setCookieLine(reset)).toBeUndefined();
    expectProblem(await login(api, user.email), 401, 'invalid_credentials');
    const signedIn = await secondStep(api, { challenge: problem.challenge, code: totpCodeAt(user.secret, api.clock.now()) }).expect(200);

    const stepped = await reauthenticate(api, signedIn.body.accessToken, {
      password: 'a-brand-new-password-9',
      recoveryCode: user.recoveryCodes[0],
    }).expect(200);
    await request(api.app).delete('/api/me/totp').set(bearer(stepped.body.accessToken)).expect(204);
    const removed = await mail
      .current()
      .nextMessage((m) => m.to.includes(user.email) && /second factor of your account was removed/.test(m.subject));
    expect(removed.text).toContain('If this was not you');
  });
});

describe('access tokens issued before amr and acr', () => {
  it('when a token lacks them, then the verifier reads a password alone, which no second-factor route accepts', async () => {
    const api = await createTestApi();
    const user = await registerUser(api.app);
    const { amr: _amr, acr: _acr, ...legacy } = claimsOf(user.accessToken);
    const token = jwt.sign(legacy, api.keys.signing.privateKey, {
      algorithm: 'ES256',
      header: { alg: 'ES256', typ: 'at+jwt', kid: api.keys.signing.kid },
    });
    const tokens = createAccessTokens({
      keys: api.keys,
      issuer: 'spa-auth',
      audience: 'spa-auth-api',
      ttlMs: 300_000,
      clockToleranceMs: 5000,
      clock: api.clock,
    });
    const verified = tokens.verifyAccessToken(token);
    expect(verified).toMatchObject({ ok: true, claims: { amr: ['pwd'], acr: ACR_PASSWORD } });
    await request(api.app).get('/api/me').set(bearer(token)).expect(200);
  });
});
