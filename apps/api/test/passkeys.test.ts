import { createHash } from 'node:crypto';
import { ACR_MFA, MAX_PASSKEYS_PER_USER, PASSKEY_CEREMONY_TTL_SECONDS } from '@spa-auth/contract';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSoftwareAuthenticator, type SoftwareAuthenticator } from './software-authenticator.ts';
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
  mailSettled,
  PASSWORD,
  realBackends,
  reauthenticate,
  refresh,
  refreshCookieOf,
  registerAdmin,
  registerUser,
  resetPasswordThroughMail,
  sharedEmbeddedDatabase,
  TEST_MFA_KEY,
  type TestApi,
  useMailCatcher,
  XHR,
} from './support.ts';

// Section 18: passkeys. Real ceremonies: a software authenticator (node:crypto P-256 keys, CBOR
// attestation none) makes the credentials and signatures the server verifies with
// @simplewebauthn/server. One API per backend; each test makes its own accounts.
const backends = await realBackends();

const MINUTE = 60_000;
const CEREMONY_MS = PASSKEY_CEREMONY_TTL_SECONDS * 1000;

type User = Awaited<ReturnType<typeof registerUser>>;

const registrationOptions = async (api: TestApi, accessToken: string) =>
  (await request(api.app).post('/api/me/passkeys/registration-options').set(bearer(accessToken)).expect(200)).body;

const sendRegistration = (api: TestApi, accessToken: string, body: Record<string, unknown>) =>
  request(api.app).post('/api/me/passkeys').set(bearer(accessToken)).send(body);

/** A passkey registered for the user through the real ceremony; its authenticator holds the key. */
async function registerPasskey(api: TestApi, user: Pick<User, 'accessToken'>, options: { synced?: boolean; name?: string } = {}) {
  const authenticator = createSoftwareAuthenticator({ synced: options.synced ?? false });
  const started = await registrationOptions(api, user.accessToken);
  const response = authenticator.register(started.options);
  const res = await sendRegistration(api, user.accessToken, {
    ceremonyId: started.ceremonyId,
    response,
    ...(options.name ? { name: options.name } : {}),
  }).expect(201);
  return { authenticator, passkey: res.body.passkey, credentialId: response.id };
}

const signInOptions = async (api: TestApi) => (await request(api.app).post('/auth/passkey/options').set(XHR).expect(200)).body;
const passkeySignIn = (api: TestApi, body: Record<string, unknown>) => request(api.app).post('/auth/passkey').set(XHR).send(body);

/** A whole sign-in with no email typed: options, the authenticator's assertion, POST /auth/passkey. */
async function signInWith(
  api: TestApi,
  authenticator: SoftwareAuthenticator,
  overrides: Parameters<SoftwareAuthenticator['assert']>[1] = {},
) {
  const started = await signInOptions(api);
  return passkeySignIn(api, { ceremonyId: started.ceremonyId, response: authenticator.assert(started.options, overrides) });
}

/** signInWith, which must succeed. */
async function signedInWith(api: TestApi, authenticator: SoftwareAuthenticator) {
  const res = await signInWith(api, authenticator);
  expect(res.status).toBe(200);
  return res;
}

/** A fresh access token of the user's session (its sign-in time unchanged), after the clock moved on. */
const freshToken = async (api: TestApi, user: Pick<User, 'refresh'>) =>
  (await refresh(api.app, user.refresh).expect(200)).body.accessToken as string;

describe.each(backends)('passkeys on %s', (_name, open) => {
  let api: TestApi;
  beforeAll(async () => {
    // Many failures from one address on purpose: the limit has its own test below.
    api = await createTestApi({ LOGIN_MAX_FAILURES: '50', MFA_ENCRYPTION_KEY: TEST_MFA_KEY }, { db: await open() });
  });

  it('when a passkey is registered from a recent sign-in, then its options ask for a discoverable, verified credential, and it is listed, renamed and removed', async () => {
    const user = await registerUser(api.app);
    const first = await request(api.app).post('/api/me/passkeys/registration-options').set(bearer(user.accessToken)).expect(200);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.body.ceremonyId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.body.options).toMatchObject({
      rp: { name: 'spa-auth', id: 'localhost' },
      user: { id: Buffer.from(user.user.id.replaceAll('-', ''), 'hex').toString('base64url'), name: user.email, displayName: 'Test User' },
      attestation: 'none',
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      excludeCredentials: [],
      timeout: CEREMONY_MS,
    });
    expect(first.body.options.pubKeyCredParams.map((p: { alg: number }) => p.alg)).toEqual([-8, -7, -257]);
    // The ceremony is kept under the SHA-256 of its id, with its kind, account and challenge.
    const ceremonies = await api.db.query('SELECT kind, user_id AS "userId", challenge FROM passkey_ceremonies WHERE ceremony_hash = $1', [
      createHash('sha256').update(first.body.ceremonyId).digest(),
    ]);
    expect(ceremonies.rows).toEqual([{ kind: 'registration', userId: user.user.id, challenge: first.body.options.challenge }]);

    const laptop = createSoftwareAuthenticator();
    const laptopCredential = laptop.register(first.body.options);
    const created = await sendRegistration(api, user.accessToken, {
      ceremonyId: first.body.ceremonyId,
      response: laptopCredential,
      name: 'Laptop',
    });
    expect(created.status).toBe(201);
    expect(created.body.passkey).toEqual({
      id: expect.any(String),
      name: 'Laptop',
      createdAt: new Date(api.clock.now()).toISOString(),
      lastUsedAt: null,
      deviceType: 'singleDevice',
      backedUp: false,
      transports: ['internal', 'hybrid'],
    });

    // The next options leave it out, so an authenticator that holds it says so instead of making another.
    api.clock.advance(1000);
    const second = await registrationOptions(api, user.accessToken);
    expect(second.options.excludeCredentials).toEqual([
      { id: laptopCredential.id, type: 'public-key', transports: ['internal', 'hybrid'] },
    ]);
    const phone = createSoftwareAuthenticator({ synced: true });
    const synced = await sendRegistration(api, user.accessToken, {
      ceremonyId: second.ceremonyId,
      response: phone.register(second.options),
    });
    expect(synced.body.passkey).toMatchObject({ name: 'Passkey', deviceType: 'multiDevice', backedUp: true });

    const list = async () => (await request(api.app).get('/api/me/passkeys').set(bearer(user.accessToken)).expect(200)).body.passkeys;
    expect((await list()).map((p: { name: string }) => p.name)).toEqual(['Laptop', 'Passkey']);
    // The database keeps the public key and nothing that could sign.
    const { rows } = await api.db.query<{ key: Uint8Array; counter: string | number }>(
      'SELECT public_key AS key, counter FROM passkeys WHERE credential_id = $1',
      [laptopCredential.id],
    );
    expect(Buffer.from(rows[0]?.key ?? []).length).toBeGreaterThan(64);
    expect(Number(rows[0]?.counter)).toBe(0);

    const rename = (id: string, body: object) => request(api.app).patch(`/api/me/passkeys/${id}`).set(bearer(user.accessToken)).send(body);
    const renamed = await rename(synced.body.passkey.id, { name: '  Phone  ' }).expect(200);
    expect(renamed.body.passkey).toMatchObject({ id: synced.body.passkey.id, name: 'Phone' });
    expectProblem(await rename(synced.body.passkey.id, { name: '' }), 400, 'validation_failed');
    expectProblem(await rename('00000000-0000-4000-8000-000000000000', { name: 'x' }), 404, 'not_found');
    expectProblem(await rename('not-a-uuid', { name: 'x' }), 404, 'not_found');

    const remove = (id: string, token = user.accessToken) => request(api.app).delete(`/api/me/passkeys/${id}`).set(bearer(token));
    await remove(created.body.passkey.id).expect(204);
    expectProblem(await remove(created.body.passkey.id), 404, 'not_found');
    expect((await list()).map((p: { name: string }) => p.name)).toEqual(['Phone']);

    // Another account cannot see or touch it; an API token cannot either.
    const other = await registerUser(api.app);
    expectProblem(await remove(synced.body.passkey.id, other.accessToken), 404, 'not_found');
    const token = await createApiToken(api.app, user.accessToken, { scopes: ['profile:read'] });
    expectProblem(await request(api.app).get('/api/me/passkeys').set(bearer(token.secret)), 403, 'api_token_not_allowed');

    // Registering and removing need a recent sign-in; listing and renaming do not.
    api.clock.advance(11 * MINUTE);
    const stale = await freshToken(api, user);
    expectProblem(
      await request(api.app).post('/api/me/passkeys/registration-options').set(bearer(stale)),
      401,
      'insufficient_user_authentication',
    );
    expectProblem(await remove(synced.body.passkey.id, stale), 401, 'insufficient_user_authentication');
    await request(api.app).get('/api/me/passkeys').set(bearer(stale)).expect(200);

    expect(await activityOf(api, stale)).toEqual(
      expect.arrayContaining([
        { type: 'passkey_added', detail: '“Laptop”' },
        { type: 'passkey_added', detail: '“Passkey”' },
        { type: 'passkey_renamed', detail: '“Passkey” to “Phone”' },
        { type: 'passkey_removed', detail: '“Laptop”' },
      ]),
    );
  });

  it('when a registration answers a used, foreign, other or expired ceremony, another origin or RP ID, or no user verification, then nothing is kept', async () => {
    const user = await registerUser(api.app);
    const other = await registerUser(api.app);
    const authenticator = createSoftwareAuthenticator();
    const count = async () => (await request(api.app).get('/api/me/passkeys').set(bearer(user.accessToken))).body.passkeys.length;
    const attempt = async (overrides: Parameters<SoftwareAuthenticator['register']>[1] = {}) => {
      const started = await registrationOptions(api, user.accessToken);
      return sendRegistration(api, user.accessToken, {
        ceremonyId: started.ceremonyId,
        response: authenticator.register(started.options, overrides),
      });
    };

    expectProblem(await attempt({ origin: 'https://localhost.evil.example' }), 400, 'passkey_invalid');
    expectProblem(await attempt({ origin: 'http://localhost:3000' }), 400, 'passkey_invalid');
    expectProblem(await attempt({ rpId: 'evil.example' }), 400, 'passkey_invalid');
    expectProblem(await attempt({ userVerified: false }), 400, 'passkey_invalid');
    expectProblem(await attempt({ type: 'webauthn.get' }), 400, 'passkey_invalid');
    expectProblem(await attempt({ challenge: 'c29tZXRoaW5nLWVsc2U' }), 400, 'passkey_invalid');
    expect(await count()).toBe(0);

    // Another account's ceremony is not this one's, and is not used up by the try.
    const theirs = await registrationOptions(api, other.accessToken);
    const mine = authenticator.register(theirs.options);
    expectProblem(
      await sendRegistration(api, user.accessToken, { ceremonyId: theirs.ceremonyId, response: mine }),
      400,
      'passkey_challenge_invalid',
    );
    await sendRegistration(api, other.accessToken, {
      ceremonyId: theirs.ceremonyId,
      response: authenticator.register(theirs.options),
    }).expect(201);

    // A sign-in's ceremony is not a registration's; an unknown one is nothing.
    const signIn = await signInOptions(api);
    const started = await registrationOptions(api, user.accessToken);
    const response = authenticator.register(started.options);
    expectProblem(
      await sendRegistration(api, user.accessToken, { ceremonyId: signIn.ceremonyId, response }),
      400,
      'passkey_challenge_invalid',
    );
    expectProblem(await sendRegistration(api, user.accessToken, { ceremonyId: 'made-up', response }), 400, 'passkey_challenge_invalid');
    // Used once, whatever came of it.
    await sendRegistration(api, user.accessToken, { ceremonyId: started.ceremonyId, response }).expect(201);
    expectProblem(
      await sendRegistration(api, user.accessToken, { ceremonyId: started.ceremonyId, response }),
      400,
      'passkey_challenge_invalid',
    );

    // Five minutes, by the server's clock.
    const late = await registrationOptions(api, user.accessToken);
    api.clock.advance(CEREMONY_MS + 1000);
    const token = await freshToken(api, user);
    expectProblem(
      await sendRegistration(api, token, { ceremonyId: late.ceremonyId, response: authenticator.register(late.options) }),
      400,
      'passkey_challenge_invalid',
    );

    // A credential id registered already, on this account or another, is not taken twice.
    const again = await registrationOptions(api, other.accessToken);
    expectProblem(
      await sendRegistration(api, other.accessToken, {
        ceremonyId: again.ceremonyId,
        response: authenticator.register(again.options, { reuse: response.id }),
      }),
      409,
      'passkey_already_registered',
    );
    expectProblem(
      await sendRegistration(api, token, { ceremonyId: 'x', response: { ...response, type: 'password' } }),
      400,
      'validation_failed',
    );
    expect(await count()).toBe(1);
  });

  it(`when an account holds ${MAX_PASSKEYS_PER_USER} passkeys, then it is refused another, even with options asked before`, async () => {
    const user = await registerUser(api.app);
    const early = await registrationOptions(api, user.accessToken);
    await api.db.query(
      `INSERT INTO passkeys (id, user_id, credential_id, public_key, counter, device_type, backed_up, name, created_at)
       SELECT gen_random_uuid(), $1::uuid, 'filler-' || $1::text || '-' || n, '\\x00', 0, 'singleDevice', false, 'Filler', now()
       FROM generate_series(1, $2::int) AS n`,
      [user.user.id, MAX_PASSKEYS_PER_USER],
    );
    expectProblem(await request(api.app).post('/api/me/passkeys/registration-options').set(bearer(user.accessToken)), 409, 'passkey_limit');
    const response = createSoftwareAuthenticator().register(early.options);
    expectProblem(await sendRegistration(api, user.accessToken, { ceremonyId: early.ceremonyId, response }), 409, 'passkey_limit');
  });

  it('when a passkey signs in with no email typed, then a session starts as a login starts one, its token says hwk or swk with mfa, and the use is kept', async () => {
    const user = await registerUser(api.app);
    const { authenticator, credentialId } = await registerPasskey(api, user, { name: 'Laptop' });
    api.clock.advance(MINUTE);

    const options = await request(api.app).post('/auth/passkey/options').set(XHR).expect(200);
    expect(options.headers['cache-control']).toBe('no-store');
    expect(options.body.options).toEqual({
      rpId: 'localhost',
      challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      allowCredentials: [],
      timeout: CEREMONY_MS,
      userVerification: 'required',
    });
    const signedIn = await passkeySignIn(api, {
      ceremonyId: options.body.ceremonyId,
      response: authenticator.assert(options.body.options),
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers['cache-control']).toBe('no-store');
    expect(refreshCookieOf(signedIn)).toBeDefined();
    expect(signedIn.body.user).toEqual({ id: user.user.id, email: user.email, name: 'Test User', role: 'user' });
    expect(claimsOf(signedIn.body.accessToken)).toMatchObject({
      sub: user.user.id,
      amr: ['hwk', 'mfa'],
      acr: ACR_MFA,
      auth_time: Math.floor(api.clock.now() / 1000),
    });
    const refreshed = await refresh(api.app, refreshCookieOf(signedIn)).expect(200);
    expect(claimsOf(refreshed.body.accessToken)).toMatchObject({ amr: ['hwk', 'mfa'], acr: ACR_MFA });

    const [listed] = (await request(api.app).get('/api/me/passkeys').set(bearer(signedIn.body.accessToken)).expect(200)).body.passkeys;
    expect(listed.lastUsedAt).toBe(new Date(api.clock.now()).toISOString());
    const { rows } = await api.db.query<{ counter: string | number }>('SELECT counter FROM passkeys WHERE credential_id = $1', [
      credentialId,
    ]);
    expect(Number(rows[0]?.counter)).toBe(1);
    expect(await activityOf(api, signedIn.body.accessToken)).toContainEqual({ type: 'signed_in', detail: 'with the passkey “Laptop”' });

    // A synced passkey keeps no counter (0 each time), and is a software-held key.
    const phoneUser = await registerUser(api.app);
    const phone = await registerPasskey(api, phoneUser, { synced: true });
    for (let i = 0; i < 2; i++) {
      const res = await signedInWith(api, phone.authenticator);
      expect(claimsOf(res.body.accessToken)).toMatchObject({ sub: phoneUser.user.id, amr: ['swk', 'mfa'], acr: ACR_MFA });
    }
  });

  it('when a sign-in answers a used, other, expired or unknown ceremony, another origin or RP ID, no user verification or a bad signature, then it is refused with its code', async () => {
    const user = await registerUser(api.app);
    const { authenticator } = await registerPasskey(api, user, { name: 'Key' });
    const refusedWith = async (code: string, overrides: Parameters<SoftwareAuthenticator['assert']>[1]) =>
      expectProblem(await signInWith(api, authenticator, overrides), 401, code);

    await refusedWith('passkey_invalid', { origin: 'https://localhost.evil.example' });
    await refusedWith('passkey_invalid', { origin: 'http://localhost:3000' });
    await refusedWith('passkey_invalid', { rpId: 'evil.example' });
    await refusedWith('passkey_invalid', { userVerified: false });
    await refusedWith('passkey_invalid', { type: 'webauthn.create' });
    await refusedWith('passkey_invalid', { challenge: 'c29tZXRoaW5nLWVsc2U' });

    const started = await signInOptions(api);
    const assertion = authenticator.assert(started.options);
    const tampered = {
      ...assertion,
      response: { ...assertion.response, signature: assertion.response.signature.replace(/^.{4}/, 'AAAA') },
    };
    expectProblem(await passkeySignIn(api, { ceremonyId: started.ceremonyId, response: tampered }), 401, 'passkey_invalid');
    // The ceremony went with the first try, right or wrong.
    expectProblem(await passkeySignIn(api, { ceremonyId: started.ceremonyId, response: assertion }), 401, 'passkey_challenge_invalid');
    const otherHandle = { ...assertion, response: { ...assertion.response, userHandle: 'AAAAAAAAAAAAAAAAAAAAAA' } };
    const next = await signInOptions(api);
    expectProblem(
      await passkeySignIn(api, {
        ceremonyId: next.ceremonyId,
        response: { ...otherHandle, response: { ...authenticator.assert(next.options).response, userHandle: 'AAAAAAAAAAAAAAAAAAAAAA' } },
      }),
      401,
      'passkey_invalid',
    );

    // The ceremony of a registration is not a sign-in's; nor is one that never was, or one five minutes old.
    const registration = await registrationOptions(api, user.accessToken);
    const fresh = await signInOptions(api);
    expectProblem(
      await passkeySignIn(api, { ceremonyId: registration.ceremonyId, response: authenticator.assert(fresh.options) }),
      401,
      'passkey_challenge_invalid',
    );
    expectProblem(
      await passkeySignIn(api, { ceremonyId: 'never-issued', response: authenticator.assert(fresh.options) }),
      401,
      'passkey_challenge_invalid',
    );
    api.clock.advance(CEREMONY_MS);
    expectProblem(
      await passkeySignIn(api, { ceremonyId: fresh.ceremonyId, response: authenticator.assert(fresh.options) }),
      401,
      'passkey_challenge_invalid',
    );

    // A credential the server never registered.
    expectProblem(await signInWith(api, (await registerPasskeyElsewhere()).authenticator), 401, 'passkey_unknown');
    expectProblem(await passkeySignIn(api, { ceremonyId: 'x' }), 400, 'validation_failed');
    expectProblem(await request(api.app).post('/auth/passkey/options'), 403, 'csrf_rejected');

    const token = await freshToken(api, user);
    const failures = (await activityOf(api, token)).filter((event) => event.type === 'passkey_failed');
    expect(failures.length).toBeGreaterThanOrEqual(8);
    expect(failures[0]).toEqual({ type: 'passkey_failed', detail: '“Key”, to sign in' });
    await signedInWith(api, authenticator);
  });

  /** A credential made for this RP's options but never sent to the server. */
  async function registerPasskeyElsewhere() {
    const stranger = await registerUser(api.app);
    const authenticator = createSoftwareAuthenticator();
    authenticator.register((await registrationOptions(api, stranger.accessToken)).options);
    return { authenticator };
  }

  it('when a passkey is removed, its account disabled or deleted, then it signs in no more', async () => {
    const user = await registerUser(api.app);
    const kept = await registerPasskey(api, user);
    const removed = await registerPasskey(api, user);
    await request(api.app).delete(`/api/me/passkeys/${removed.passkey.id}`).set(bearer(user.accessToken)).expect(204);
    expectProblem(await signInWith(api, removed.authenticator), 401, 'passkey_unknown');

    await api.db.query('UPDATE users SET disabled_at = now() WHERE id = $1', [user.user.id]);
    expectProblem(await signInWith(api, kept.authenticator), 403, 'account_disabled');
    await api.db.query('UPDATE users SET disabled_at = NULL WHERE id = $1', [user.user.id]);
    await signedInWith(api, kept.authenticator);

    // Deleting the account deletes its passkeys.
    const leaving = await registerUser(api.app);
    const theirs = await registerPasskey(api, leaving);
    await request(api.app).delete('/api/me').set(bearer(leaving.accessToken)).expect(204);
    expectProblem(await signInWith(api, theirs.authenticator), 401, 'passkey_unknown');
  });

  it('when a cloned authenticator presents a counter that did not go up, then it is refused and the log says so, and the one ahead goes on', async () => {
    const user = await registerUser(api.app);
    const { authenticator, credentialId } = await registerPasskey(api, user, { name: 'YubiKey' });
    await signedInWith(api, authenticator);
    const copy = authenticator.clone();
    await signedInWith(api, authenticator);
    // The copy's next counter (2) is the one the server has already seen.
    expectProblem(await signInWith(api, copy), 401, 'passkey_cloned');
    const { rows } = await api.db.query<{ counter: string | number }>('SELECT counter FROM passkeys WHERE credential_id = $1', [
      credentialId,
    ]);
    expect(Number(rows[0]?.counter)).toBe(2);
    const ahead = await signedInWith(api, authenticator);
    expect(await activityOf(api, ahead.body.accessToken)).toContainEqual({
      type: 'passkey_cloned',
      detail: '“YubiKey”: its counter went from 2 to 2; refused',
    });
  });

  it('when an account with an authenticator app has a passkey, then the first step lists it, and the passkey completes the second step for that account only', async () => {
    const user = await registerUser(api.app);
    const { authenticator, credentialId } = await registerPasskey(api, user);
    // A passkey alone does not make a password sign-in two steps.
    await login(api, user.email).expect(200);
    await enrolTotp(api, user.accessToken);

    const first = expectProblem(await login(api, user.email), 401, 'second_factor_required');
    expect(first.factors).toEqual(['totp', 'recovery_code', 'passkey']);
    const secondStepOptions = (challenge: unknown) =>
      request(api.app).post('/auth/login/second-factor/passkey-options').set(XHR).send({ challenge });
    const options = await secondStepOptions(first.challenge).expect(200);
    expect(options.body.options).toMatchObject({
      rpId: 'localhost',
      userVerification: 'required',
      allowCredentials: [{ id: credentialId, type: 'public-key' }],
    });
    const secondStep = (body: Record<string, unknown>) => request(api.app).post('/auth/login/second-factor').set(XHR).send(body);
    const passkey = { ceremonyId: options.body.ceremonyId, response: authenticator.assert(options.body.options) };
    const signedIn = await secondStep({ challenge: first.challenge, passkey }).expect(200);
    expect(refreshCookieOf(signedIn)).toBeDefined();
    expect(claimsOf(signedIn.body.accessToken)).toMatchObject({ sub: user.user.id, amr: ['pwd', 'hwk', 'mfa'], acr: ACR_MFA });
    expectProblem(await secondStep({ challenge: first.challenge, passkey }), 401, 'second_factor_challenge_invalid');

    // The ceremony of a sign-in with no email typed does not count here, nor does another account's passkey.
    const again = expectProblem(await login(api, user.email), 401, 'second_factor_required');
    const discoverable = await signInOptions(api);
    expectProblem(
      await secondStep({
        challenge: again.challenge,
        passkey: { ceremonyId: discoverable.ceremonyId, response: authenticator.assert(discoverable.options) },
      }),
      401,
      'passkey_challenge_invalid',
    );
    const stranger = await registerUser(api.app);
    const theirs = await registerPasskey(api, stranger);
    const forUser = (await secondStepOptions(again.challenge).expect(200)).body;
    expectProblem(
      await secondStep({
        challenge: again.challenge,
        passkey: { ceremonyId: forUser.ceremonyId, response: theirs.authenticator.assert({ ...forUser.options, allowCredentials: [] }) },
      }),
      401,
      'passkey_invalid',
    );
    expectProblem(await secondStep({ challenge: again.challenge, code: '123456', passkey }), 400, 'validation_failed');

    // Options need a live challenge of an account that has a passkey.
    expectProblem(await secondStepOptions('never-issued'), 401, 'second_factor_challenge_invalid');
    const appOnly = await registerUser(api.app);
    await enrolTotp(api, appOnly.accessToken);
    const appOnlyFirst = expectProblem(await login(api, appOnly.email), 401, 'second_factor_required');
    expect(appOnlyFirst.factors).toEqual(['totp', 'recovery_code']);
    expectProblem(await secondStepOptions(appOnlyFirst.challenge), 403, 'second_factor_not_enrolled');

    expect(await activityOf(api, signedIn.body.accessToken)).toEqual(
      expect.arrayContaining([
        { type: 'second_factor_used', detail: 'passkey, to sign in' },
        { type: 'second_factor_failed', detail: 'a wrong or used passkey, to sign in' },
        { type: 'signed_in', detail: 'with a second factor' },
      ]),
    );
  });

  it('when a signed-in person re-authenticates with a passkey, then it alone proves a sign-in with mfa, which routes that ask for the second factor accept', async () => {
    const user = await registerUser(api.app);
    const { authenticator, credentialId } = await registerPasskey(api, user);
    await enrolTotp(api, user.accessToken);
    api.clock.advance(11 * MINUTE);
    const stale = await freshToken(api, user);
    expectProblem(await request(api.app).delete('/api/me/totp').set(bearer(stale)), 401, 'insufficient_user_authentication');
    // The password alone is not enough for an account whose sign-in asks for a second factor.
    const missing = expectProblem(await reauthenticate(api, stale, { password: PASSWORD }), 400, 'second_factor_required');
    expect(missing.factors).toEqual(['totp', 'recovery_code', 'passkey']);

    const options = await request(api.app).post('/api/me/passkeys/reauthentication-options').set(bearer(stale)).expect(200);
    expect(options.body.options.allowCredentials).toEqual([{ id: credentialId, type: 'public-key', transports: ['internal', 'hybrid'] }]);
    const passkey = { ceremonyId: options.body.ceremonyId, response: authenticator.assert(options.body.options) };
    expectProblem(await reauthenticate(api, stale, { password: PASSWORD, passkey }), 400, 'validation_failed');
    expectProblem(await reauthenticate(api, stale, {}), 400, 'validation_failed');
    // A second step's ceremony is not a re-authentication's.
    const first = expectProblem(await login(api, user.email), 401, 'second_factor_required');
    const forSecondStep = (
      await request(api.app).post('/auth/login/second-factor/passkey-options').set(XHR).send({ challenge: first.challenge })
    ).body;
    expectProblem(
      await reauthenticate(api, stale, {
        passkey: { ceremonyId: forSecondStep.ceremonyId, response: authenticator.assert(forSecondStep.options) },
      }),
      400,
      'passkey_challenge_invalid',
    );

    const stepped = await reauthenticate(api, stale, { passkey }).expect(200);
    expect(claimsOf(stepped.body.accessToken)).toMatchObject({
      amr: ['hwk', 'mfa'],
      acr: ACR_MFA,
      auth_time: Math.floor(api.clock.now() / 1000),
    });
    expectProblem(await reauthenticate(api, stale, { passkey }), 400, 'passkey_challenge_invalid');
    await request(api.app).delete('/api/me/totp').set(bearer(stepped.body.accessToken)).expect(204);
    expect(await activityOf(api, stepped.body.accessToken)).toContainEqual({
      type: 'second_factor_used',
      detail: 'passkey, to confirm it was you',
    });

    const without = await registerUser(api.app);
    expectProblem(
      await request(api.app).post('/api/me/passkeys/reauthentication-options').set(bearer(without.accessToken)),
      403,
      'second_factor_not_enrolled',
    );
  });

  it('when options come from one instance, then another sharing the database completes the sign-in, once; and with REQUIRE_MFA_FOR_ADMIN a passkey sign-in opens the admin routes', async () => {
    const other = await createTestApi({ REQUIRE_MFA_FOR_ADMIN: 'true', MFA_ENCRYPTION_KEY: TEST_MFA_KEY }, { db: api.db });
    const admin = await registerAdmin(api);
    const { authenticator } = await registerPasskey(api, admin);

    const started = await signInOptions(api);
    const assertion = authenticator.assert(started.options);
    const signedIn = await passkeySignIn(other, { ceremonyId: started.ceremonyId, response: assertion }).expect(200);
    expectProblem(await passkeySignIn(api, { ceremonyId: started.ceremonyId, response: assertion }), 401, 'passkey_challenge_invalid');

    // A password sign-in of an admin who has a passkey is asked for the second factor (not to enrol one)...
    const byPassword = (await login(other, admin.email).expect(200)).body.accessToken as string;
    const refused = await request(other.app).get('/api/admin/users').set(bearer(byPassword));
    expectProblem(refused, 401, 'insufficient_user_authentication');
    expect(refused.headers['www-authenticate']).toContain('acr_values="urn:spa-auth:acr:mfa"');
    // ...which a passkey sign-in is.
    await request(other.app).get('/api/admin/users').set(bearer(signedIn.body.accessToken)).expect(200);
  });

  it('when passkey sign-ins keep failing from one address, then it is refused for the window, the right passkey included', async () => {
    // LOGIN_MAX_FAILURES 1: four failed passkey sign-ins per IP.
    const limited = await createTestApi({ LOGIN_MAX_FAILURES: '1' }, { db: api.db });
    const user = await registerUser(api.app);
    const { authenticator } = await registerPasskey(api, user);
    await signedInWith(limited, authenticator);
    for (let i = 0; i < 4; i++)
      expectProblem(await signInWith(limited, authenticator, { origin: 'https://evil.example' }), 401, 'passkey_invalid');
    const res = await signInWith(limited, authenticator);
    expectProblem(res, 429, 'rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Options are not failures, and the per-IP budget of /auth still lets them through.
    await signInOptions(limited);
    limited.clock.advance(16 * MINUTE);
    await signedInWith(limited, authenticator);
  });
});

describe('mail, and the password reset of an account with passkeys', () => {
  const mail = useMailCatcher();

  it('when a passkey is added or removed, then the owner is mailed, and a password reset removes every passkey', async () => {
    const api = await createMailingTestApi(mail.current(), {}, { db: await sharedEmbeddedDatabase() });
    const user = await registerUser(api.app);
    const laptop = await registerPasskey(api, user, { name: 'Laptop' });
    const added = await mail.current().nextMessage((m) => m.to.includes(user.email) && /passkey was added/.test(m.subject));
    expect(added.text).toContain('“Laptop”');
    await request(api.app).delete(`/api/me/passkeys/${laptop.passkey.id}`).set(bearer(user.accessToken)).expect(204);
    const removed = await mail.current().nextMessage((m) => m.to.includes(user.email) && /passkey was removed/.test(m.subject));
    expect(removed.text).toContain('“Laptop” was removed from your account: it signs in no more.');

    const phone = await registerPasskey(api, user, { name: 'Phone' });
    // A second later, so the mail's order (oldest first) is not left to the rows' order on disk.
    api.clock.advance(1_000);
    await registerPasskey(api, user, { name: 'Key' });
    const reset = await resetPasswordThroughMail(api, mail.current(), user.email, 'a-brand-new-password-9');
    expect(reset.status).toBe(200);
    await mailSettled(api);
    const gone = await mail
      .current()
      .nextMessage((m) => m.to.includes(user.email) && /passkey was removed/.test(m.subject) && /Phone/.test(m.text));
    expect(gone.text).toContain('“Phone”, “Key” were removed from your account, as the password was reset');
    expectProblem(await signInWith(api, phone.authenticator), 401, 'passkey_unknown');
    expect(await activityOf(api, reset.body.accessToken)).toContainEqual({
      type: 'passkey_removed',
      detail: '“Phone”, “Key” as the password was reset',
    });
    expect((await request(api.app).get('/api/me/passkeys').set(bearer(reset.body.accessToken)).expect(200)).body.passkeys).toEqual([]);
  });
});
