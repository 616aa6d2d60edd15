import { createHash, generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createAccessTokens } from '../src/auth/access-tokens.ts';
import { createKeySet } from '../src/auth/keys.ts';
import {
  bearer,
  claimsOf,
  createApiToken,
  createTestApi,
  expectProblem,
  realBackends,
  registerAdmin,
  registerUser,
  type TestApi,
  XHR,
} from './support.ts';

// Service clients end to end through the real app on both databases (requirement 15): made by an
// admin with the secret shown once, the client credentials grant at POST /oauth/token, and token
// introspection at POST /oauth/introspect that sees a revoked session at once, and on another
// instance after the two-second re-read.

const backends = await realBackends();
const SECRET_PATTERN = /^spa_cs_[A-Za-z0-9_-]{43}$/;

type Person = Awaited<ReturnType<typeof registerUser>>;

const adminOf = registerAdmin;

/** RFC 6749 2.3.1: each part form-urlencoded, joined by a colon, then base64. */
const basic = (id: string, secret: string) => ({
  Authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});

async function createClient(api: TestApi, admin: Person, name = 'orders service') {
  const res = await request(api.app).post('/api/admin/service-clients').set(bearer(admin.accessToken)).send({ name }).expect(201);
  return { id: res.body.client.id as string, secret: res.body.clientSecret as string, body: res.body };
}

const tokenRequest = (app: TestApi['app'], id: string, secret: string, form = 'grant_type=client_credentials') =>
  request(app).post('/oauth/token').set(basic(id, secret)).type('form').send(form);

async function serviceTokenOf(app: TestApi['app'], client: { id: string; secret: string }): Promise<string> {
  const res = await tokenRequest(app, client.id, client.secret).expect(200);
  return res.body.access_token as string;
}

const introspect = (app: TestApi['app'], serviceToken: string, token: string) =>
  request(app).post('/oauth/introspect').set(bearer(serviceToken)).type('form').send({ token });

/** An RFC 6749 5.2 error: plain JSON with `error` and a description, never cached. */
function expectOAuthError(res: request.Response, status: number, error: string) {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { error } });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body.error_description).toEqual(expect.any(String));
  expect(res.headers['cache-control']).toBe('no-store');
  if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Basic /);
}

describe.each(backends)('service clients on %s', (_name, open) => {
  const setup = (env: Record<string, string> = {}) => open().then(async (db) => createTestApi(env, { db }));

  it('when an admin makes a client, then the secret is shown once, only its SHA-256 is stored, and only a person admin may make one', async () => {
    const api = await setup();
    const admin = await adminOf(api);
    const { id, secret, body } = await createClient(api, admin, 'billing');
    expect(secret).toMatch(SECRET_PATTERN);
    expect(body.client).toEqual({ id, name: 'billing', createdAt: expect.any(String), lastUsedAt: null });

    const { rows } = await api.db.query<Record<string, unknown>>('SELECT * FROM service_clients WHERE id = $1', [id]);
    const row = rows[0] as Record<string, unknown>;
    expect(Buffer.from(row.secret_hash as Uint8Array).equals(createHash('sha256').update(secret).digest())).toBe(true);
    expect(JSON.stringify(row)).not.toContain(secret.slice(7));

    const listed = await request(api.app).get('/api/admin/service-clients').set(bearer(admin.accessToken)).expect(200);
    expect(listed.body.clients).toContainEqual(body.client);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const user = await registerUser(api.app);
    expectProblem(
      await request(api.app).post('/api/admin/service-clients').set(bearer(user.accessToken)).send({ name: 'x' }),
      403,
      'insufficient_scope',
    );
    // An admin's API token, even with admin:write, cannot obtain a secret; it may list with admin:read.
    const adminToken = await createApiToken(api.app, admin.accessToken, { scopes: ['admin:read', 'admin:write'] });
    expectProblem(
      await request(api.app).post('/api/admin/service-clients').set(bearer(adminToken.secret)).send({ name: 'x' }),
      403,
      'api_token_not_allowed',
    );
    await request(api.app).get('/api/admin/service-clients').set(bearer(adminToken.secret)).expect(200);
  });

  it('when a client asks for a token, then right credentials get a short-lived introspect token and every mistake an RFC 6749 error', async () => {
    const api = await setup();
    const admin = await adminOf(api);
    const client = await createClient(api, admin);

    const res = await tokenRequest(api.app, client.id, client.secret, 'grant_type=client_credentials&scope=introspect').expect(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300, scope: 'introspect' });
    expect(res.headers['cache-control']).toBe('no-store');
    const claims = claimsOf(res.body.access_token);
    expect(claims).toMatchObject({ client_id: client.id, scope: 'introspect' });
    expect(claims.sub).toBeUndefined();
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
    const header = JSON.parse(Buffer.from(res.body.access_token.split('.')[0], 'base64url').toString('utf8'));
    expect(header).toMatchObject({ alg: 'ES256', typ: 'service+jwt' });
    const listed = await request(api.app).get('/api/admin/service-clients').set(bearer(admin.accessToken)).expect(200);
    expect(listed.body.clients.find((c: { id: string }) => c.id === client.id).lastUsedAt).toBe(new Date(api.clock.now()).toISOString());

    const wrongSecret = client.secret.slice(0, -1) + (client.secret.endsWith('A') ? 'B' : 'A');
    expectOAuthError(await tokenRequest(api.app, client.id, wrongSecret), 401, 'invalid_client');
    expectOAuthError(await tokenRequest(api.app, '3f1b2c4d-0000-4000-8000-000000000000', client.secret), 401, 'invalid_client');
    expectOAuthError(await request(api.app).post('/oauth/token').type('form').send('grant_type=client_credentials'), 401, 'invalid_client');
    expectOAuthError(
      await request(api.app).post('/oauth/token').set('Authorization', 'Basic %%%').type('form').send('grant_type=client_credentials'),
      401,
      'invalid_client',
    );
    expectOAuthError(
      await request(api.app)
        .post('/oauth/token')
        .type('form')
        .send(`grant_type=client_credentials&client_id=${client.id}&client_secret=${client.secret}`),
      401,
      'invalid_client',
    );
    expectOAuthError(await tokenRequest(api.app, client.id, client.secret, 'grant_type=password'), 400, 'unsupported_grant_type');
    expectOAuthError(await tokenRequest(api.app, client.id, client.secret, 'scope=introspect'), 400, 'invalid_request');
    expectOAuthError(
      await tokenRequest(api.app, client.id, client.secret, 'grant_type=client_credentials&scope=admin'),
      400,
      'invalid_scope',
    );
    expectOAuthError(
      await request(api.app).post('/oauth/token').set(basic(client.id, client.secret)).send({ grant_type: 'client_credentials' }),
      400,
      'invalid_request',
    );
  });

  it('when a client fails to authenticate too often, or introspects past its budget, then 429 rate_limited', async () => {
    const api = await setup({ LOGIN_MAX_FAILURES: '1', API_TOKEN_RATE_LIMIT: '2' });
    const admin = await adminOf(api);
    const client = await createClient(api, admin);
    // A success does not count; four failures per IP (four times LOGIN_MAX_FAILURES) do.
    const serviceToken = await serviceTokenOf(api.app, client);
    for (let i = 0; i < 4; i += 1) expectOAuthError(await tokenRequest(api.app, client.id, 'spa_cs_wrong'), 401, 'invalid_client');
    const limited = expectProblem(await tokenRequest(api.app, client.id, client.secret), 429, 'rate_limited');
    expect(limited.detail).toMatch(/try again in \d+ seconds/);

    const person = await registerUser(api.app);
    for (let i = 0; i < 2; i += 1) {
      const res = await introspect(api.app, serviceToken, person.accessToken).expect(200);
      expect(res.headers['ratelimit-policy']).toMatch(/^"service-client"; q=2;/);
    }
    expectProblem(await introspect(api.app, serviceToken, person.accessToken), 429, 'rate_limited');
  });

  it('when tokens cross over, then a service token is refused on /api and a person\u2019s access token on /oauth/introspect', async () => {
    const api = await setup();
    const admin = await adminOf(api);
    const serviceToken = await serviceTokenOf(api.app, await createClient(api, admin));
    const refused = expectProblem(await request(api.app).get('/api/me').set(bearer(serviceToken)), 401, 'token_invalid');
    expect(refused.detail).toBe('The token is not an access token');

    const person = await registerUser(api.app);
    const res = await introspect(api.app, person.accessToken, person.accessToken);
    expectProblem(res, 401, 'token_invalid');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="spa-auth", error="invalid_token"/);
    const missing = await request(api.app).post('/oauth/introspect').type('form').send({ token: person.accessToken });
    expectProblem(missing, 401, 'token_missing');
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="spa-auth"');
  });

  it('when tokens are introspected, then a live access token is active with its claims, and expired, garbage, foreign-key and API tokens are not', async () => {
    const api = await setup();
    const admin = await adminOf(api);
    const client = await createClient(api, admin);
    const person = await registerUser(api.app);
    const serviceToken = await serviceTokenOf(api.app, client);

    const live = await introspect(api.app, serviceToken, person.accessToken).expect(200);
    expect(live.headers['cache-control']).toBe('no-store');
    const claims = claimsOf(person.accessToken);
    expect(live.body).toEqual({
      active: true,
      sub: person.user.id,
      client_id: 'spa-auth-web',
      sid: claims.sid,
      scope: expect.stringContaining('profile:read'),
      role: 'user',
      exp: claims.exp,
      iat: claims.iat,
      iss: api.config.jwtIssuer,
      aud: api.config.jwtAudience,
      token_type: 'Bearer',
      auth_time: claims.auth_time,
      amr: ['pwd'],
      acr: 'urn:spa-auth:acr:pwd',
    });

    for (const token of ['garbage', (await createApiToken(api.app, person.accessToken)).secret]) {
      expect((await introspect(api.app, serviceToken, token).expect(200)).body).toEqual({ active: false });
    }
    const otherKey = createAccessTokens({
      keys: createKeySet(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
      issuer: api.config.jwtIssuer,
      audience: api.config.jwtAudience,
      ttlMs: api.config.accessTokenTtlMs,
      clockToleranceMs: 0,
      clock: api.clock,
    }).signAccessToken({ userId: person.user.id, sessionId: claims.sid as string, role: 'user' }).token;
    expect((await introspect(api.app, serviceToken, otherKey).expect(200)).body).toEqual({ active: false });
    expectOAuthError(
      await request(api.app).post('/oauth/introspect').set(bearer(serviceToken)).type('form').send('token_type_hint=x'),
      400,
      'invalid_request',
    );

    // Past ACCESS_TOKEN_TTL the access token is expired; the service token too, so the client gets a new one.
    api.clock.advance(api.config.accessTokenTtlMs + api.config.clockToleranceMs + 1000);
    expectProblem(await introspect(api.app, serviceToken, person.accessToken), 401, 'token_invalid');
    const fresh = await serviceTokenOf(api.app, client);
    expect((await introspect(api.app, fresh, person.accessToken).expect(200)).body).toEqual({ active: false });
  });

  it('when a session is revoked, then its token is inactive at once here and on another instance after the 2 s re-read', async () => {
    const api = await setup();
    const admin = await adminOf(api);
    const serviceToken = await serviceTokenOf(api.app, await createClient(api, admin));
    const person = await registerUser(api.app);
    const other = createApp(api.deps);
    expect((await introspect(other, serviceToken, person.accessToken).expect(200)).body.active).toBe(true);

    await request(api.app).post('/auth/logout').set(XHR).set('Cookie', `refresh_token=${person.refresh}`).expect(204);
    expect((await introspect(api.app, serviceToken, person.accessToken).expect(200)).body).toEqual({ active: false });
    // The other instance has no bus here: its cached answer is re-read after two seconds.
    expect((await introspect(other, serviceToken, person.accessToken).expect(200)).body.active).toBe(true);
    api.clock.advance(2_001);
    expect((await introspect(other, serviceToken, person.accessToken).expect(200)).body).toEqual({ active: false });
  });

  it('when a client is revoked, then its tokens are refused here at once, on another instance after 2 s, and it gets no new one', async () => {
    const api = await setup();
    const admin = await adminOf(api);
    const client = await createClient(api, admin);
    const serviceToken = await serviceTokenOf(api.app, client);
    const person = await registerUser(api.app);
    const other = createApp(api.deps);
    await introspect(other, serviceToken, person.accessToken).expect(200);

    await request(api.app).delete(`/api/admin/service-clients/${client.id}`).set(bearer(admin.accessToken)).expect(204);
    expectProblem(await introspect(api.app, serviceToken, person.accessToken), 401, 'token_invalid');
    expectOAuthError(await tokenRequest(api.app, client.id, client.secret), 401, 'invalid_client');
    await introspect(other, serviceToken, person.accessToken).expect(200);
    api.clock.advance(2_001);
    expect((await introspect(other, serviceToken, person.accessToken)).status).toBe(401);

    const listed = await request(api.app).get('/api/admin/service-clients').set(bearer(admin.accessToken)).expect(200);
    expect(listed.body.clients.map((c: { id: string }) => c.id)).not.toContain(client.id);
    expectProblem(
      await request(api.app).delete(`/api/admin/service-clients/${client.id}`).set(bearer(admin.accessToken)),
      404,
      'not_found',
    );
  });
});
