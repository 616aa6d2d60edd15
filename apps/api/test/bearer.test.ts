import { createHash, createHmac, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject, sign, verify } from 'node:crypto';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { requireScope } from '../src/auth/scopes.ts';
import { bearer, createTestApi, expectProblem, PASSWORD, registerUser, type TestApi, XHR } from './support.ts';
import { answersTo, tokenAttacksOn } from './token-attacks.ts';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});

const REALM = 'Bearer realm="spa-auth"';
const INVALID_REQUEST = `${REALM}, error="invalid_request"`;

type Json = Record<string, unknown>;

const b64 = (value: Json | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function partsOf(token: string): { header: Json; payload: Json } {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header as string, 'base64url').toString('utf8')) as Json,
    payload: JSON.parse(Buffer.from(payload as string, 'base64url').toString('utf8')) as Json,
  };
}

/** A compact JWS signed by hand, so the test controls every byte the verifier sees. */
function signEs256(header: Json, payload: Json, key: KeyObject): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `${input}.${signature}`;
}

/** The header and claims of a real token of a live session, ready to be altered one at a time. */
async function liveClaims() {
  const user = await registerUser(api.app);
  const { header, payload } = partsOf(user.accessToken);
  return { user, header, payload };
}

function validHeader(): Json {
  return { alg: 'ES256', typ: 'at+jwt', kid: api.keys.signing.kid };
}

function expectInvalidToken(res: request.Response, code = 'token_invalid') {
  expectProblem(res, 401, code);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="spa-auth", error="invalid_token", error_description="[^"]+"$/);
}

const me = (headers: Record<string, string>) => request(api.app).get('/api/me').set(headers);

describe('the Authorization header', () => {
  it('when there is no Authorization header, then 401 token_missing with a bare Bearer challenge', async () => {
    const res = await request(api.app).get('/api/me');
    expectProblem(res, 401, 'token_missing');
    expect(res.headers['www-authenticate']).toBe(REALM);
  });

  it('when the scheme is Basic, then 401 token_missing with no error in the challenge', async () => {
    const res = await me({ Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
    expectProblem(res, 401, 'token_missing');
    expect(res.headers['www-authenticate']).toBe(REALM);
  });

  it('when a valid token comes under "bearer" or "BEARER", then the scheme is matched case-insensitively', async () => {
    const user = await registerUser(api.app);
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
      const res = await me({ Authorization: `${scheme} ${user.accessToken}` }).expect(200);
      expect(res.body.user.id).toBe(user.user.id);
    }
  });

  it('when the Bearer value is empty, then 400 invalid_request', async () => {
    for (const header of ['Bearer', 'Bearer ']) {
      const res = await me({ Authorization: header });
      expectProblem(res, 400, 'invalid_request');
      expect(res.headers['www-authenticate']).toBe(INVALID_REQUEST);
    }
  });

  it('when two spaces separate the scheme and a valid token, then 400 invalid_request', async () => {
    const user = await registerUser(api.app);
    const res = await me({ Authorization: `Bearer  ${user.accessToken}` });
    expectProblem(res, 400, 'invalid_request');
    expect(res.headers['www-authenticate']).toBe(INVALID_REQUEST);
  });

  it('when the value is not a JWT shape, then 400 invalid_request', async () => {
    const user = await registerUser(api.app);
    const [h, p, s] = user.accessToken.split('.');
    for (const value of ['not-a-jwt', `${h}.${p}`, `${user.accessToken}.extra`, `${h}.${p}.${s} trailing`, `${h}.${p}.${s}=`, 'a..c']) {
      const res = await me({ Authorization: `Bearer ${value}` });
      expectProblem(res, 400, 'invalid_request');
      expect(res.headers['www-authenticate']).toBe(INVALID_REQUEST);
    }
  });

  it('when a valid token is sent in the query string, then it is ignored: 401 token_missing', async () => {
    const user = await registerUser(api.app);
    const res = await request(api.app).get(`/api/me?access_token=${user.accessToken}`);
    expectProblem(res, 401, 'token_missing');
    expect(res.headers['www-authenticate']).toBe(REALM);
  });

  it('when a valid token is sent in a JSON or form body, then it is ignored: 401 token_missing', async () => {
    const user = await registerUser(api.app);
    const json = await request(api.app).patch('/api/me').send({ access_token: user.accessToken, name: 'Mallory' });
    expectProblem(json, 401, 'token_missing');
    const form = await request(api.app).patch('/api/me').type('form').send({ access_token: user.accessToken, name: 'Mallory' });
    expectProblem(form, 401, 'token_missing');
    const after = await me(bearer(user.accessToken)).expect(200);
    expect(after.body.user.name).toBe('Test User');
  });
});

describe('forged and altered tokens', () => {
  it('when the claims of a live token are re-signed with the signing key, then the forgery helper yields an accepted token', async () => {
    // The control for every forgery below: only the one altered thing makes them fail.
    const { user, payload } = await liveClaims();
    const token = signEs256(validHeader(), payload, api.keys.signing.privateKey);
    const res = await me(bearer(token)).expect(200);
    expect(res.body.user.id).toBe(user.user.id);
  });

  it.each(['none', 'None', 'NONE'])('when alg is "%s" with an empty signature, then 401 token_invalid', async (alg) => {
    const { payload } = await liveClaims();
    const token = `${b64({ ...validHeader(), alg })}.${b64(payload)}.`;
    expectInvalidToken(await me(bearer(token)));
  });

  it('when alg is "none" and an ES256 signature is kept, then 401 token_invalid', async () => {
    const { user, payload } = await liveClaims();
    const signature = user.accessToken.split('.')[2];
    const token = `${b64({ ...validHeader(), alg: 'none' })}.${b64(payload)}.${signature}`;
    expectInvalidToken(await me(bearer(token)));
  });

  it.each(['HS256', 'HS384', 'HS512'])(
    'when the token is %s-signed with the PEM of the public key, then 401 token_invalid',
    async (alg) => {
      const { payload } = await liveClaims();
      const secret = api.keys.signing.publicKey.export({ type: 'spki', format: 'pem' });
      const input = `${b64({ ...validHeader(), alg })}.${b64(payload)}`;
      const token = `${input}.${createHmac(`sha${alg.slice(2)}`, secret)
        .update(input)
        .digest('base64url')}`;
      expectInvalidToken(await me(bearer(token)));
    },
  );

  it('when the payload is changed to role admin and the original signature kept, then 401 token_invalid', async () => {
    const { user, payload } = await liveClaims();
    const [header, , signature] = user.accessToken.split('.');
    const token = `${header}.${b64({ ...payload, role: 'admin' })}.${signature}`;
    expectInvalidToken(await request(api.app).get('/api/admin/users').set(bearer(token)));
    expectInvalidToken(await me(bearer(token)));
  });

  it('when another P-256 key signs under the real kid, then 401 token_invalid', async () => {
    const { payload } = await liveClaims();
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expectInvalidToken(await me(bearer(signEs256(validHeader(), payload, other))));
  });

  const without = (object: Json, member: string): Json => Object.fromEntries(Object.entries(object).filter(([k]) => k !== member));

  // Each row changes exactly one thing of an otherwise valid token signed with the real key.
  it.each<[string, (header: Json) => Json, (payload: Json) => Json]>([
    ['the kid is unknown', (h) => ({ ...h, kid: 'some-other-key' }), (p) => p],
    ['the kid is missing', (h) => without(h, 'kid'), (p) => p],
    ['the typ is "JWT"', (h) => ({ ...h, typ: 'JWT' }), (p) => p],
    ['the typ is missing', (h) => without(h, 'typ'), (p) => p],
    ['the iss is another issuer', (h) => h, (p) => ({ ...p, iss: 'someone-else' })],
    ['the aud is another audience', (h) => h, (p) => ({ ...p, aud: 'another-api' })],
    ['the aud is missing', (h) => h, (p) => without(p, 'aud')],
    ['the client_id is another client', (h) => h, (p) => ({ ...p, client_id: 'other-client' })],
    ['the client_id is missing', (h) => h, (p) => without(p, 'client_id')],
    ['the role is unknown', (h) => h, (p) => ({ ...p, role: 'root' })],
    ['the exp is missing', (h) => h, (p) => without(p, 'exp')],
  ])('when %s, then 401 token_invalid', async (_case, alterHeader, alterPayload) => {
    const { payload } = await liveClaims();
    const token = signEs256(alterHeader(validHeader()), alterPayload(payload), api.keys.signing.privateKey);
    expectInvalidToken(await me(bearer(token)));
  });

  it('when the header says typ JWT and the payload is not JSON, then 401 token_invalid, not a 500', async () => {
    const token = `${b64({ ...validHeader(), typ: 'JWT' })}.${b64('not json')}.${b64('sig')}`;
    expectInvalidToken(await me(bearer(token)));
  });

  it('when the header or payload is not JSON at all, then 401 token_invalid', async () => {
    const { payload } = await liveClaims();
    expectInvalidToken(await me(bearer(`${b64('{oops')}.${b64(payload)}.${b64('sig')}`)));
    expectInvalidToken(await me(bearer(`${b64(validHeader())}.${b64('{oops')}.${b64('sig')}`)));
  });

  it('when iat is in the future beyond CLOCK_TOLERANCE, then 401 token_invalid', async () => {
    const { payload } = await liveClaims();
    const iat = Math.floor(api.clock.now() / 1000) + api.config.clockToleranceMs / 1000 + 60;
    expectInvalidToken(await me(bearer(signEs256(validHeader(), { ...payload, iat, exp: iat + 300 }, api.keys.signing.privateKey))));
  });

  it('when iat is in the future but within CLOCK_TOLERANCE, then the token is accepted', async () => {
    const { payload } = await liveClaims();
    const iat = Math.floor(api.clock.now() / 1000) + api.config.clockToleranceMs / 1000 - 1;
    await me(bearer(signEs256(validHeader(), { ...payload, iat, exp: iat + 300 }, api.keys.signing.privateKey))).expect(200);
  });

  it('when exp - iat is above ACCESS_TOKEN_TTL plus CLOCK_TOLERANCE, then 401 token_invalid though the real key signed it', async () => {
    const { payload } = await liveClaims();
    const iat = Math.floor(api.clock.now() / 1000);
    const longest = (api.config.accessTokenTtlMs + api.config.clockToleranceMs) / 1000;
    expectInvalidToken(
      await me(bearer(signEs256(validHeader(), { ...payload, iat, exp: iat + longest + 1 }, api.keys.signing.privateKey))),
    );
    expectInvalidToken(
      await me(bearer(signEs256(validHeader(), { ...payload, iat, exp: iat + 30 * 86_400 }, api.keys.signing.privateKey))),
    );
  });

  it('when exp - iat is exactly ACCESS_TOKEN_TTL plus CLOCK_TOLERANCE, then the token is accepted', async () => {
    const { payload } = await liveClaims();
    const iat = Math.floor(api.clock.now() / 1000);
    const longest = (api.config.accessTokenTtlMs + api.config.clockToleranceMs) / 1000;
    await me(bearer(signEs256(validHeader(), { ...payload, iat, exp: iat + longest }, api.keys.signing.privateKey))).expect(200);
  });
});

describe('the token attacks every service that accepts these tokens is tested with', () => {
  it('when each attack of the shared table is sent to GET /api/me, then the answer is the one the table says', async () => {
    const user = await registerUser(api.app);
    const { answers, expected } = await answersTo(api.app, '/api/me', tokenAttacksOn(api, user.accessToken));
    expect(answers).toEqual(expected);
  });
});

describe('expiry', () => {
  it('when the clock passes exp plus CLOCK_TOLERANCE, then 401 token_expired with an error_description', async () => {
    const user = await registerUser(api.app);
    const { payload } = partsOf(user.accessToken);
    const tolerance = api.config.clockToleranceMs;
    api.clock.set((payload.exp as number) * 1000 + tolerance + 1000);
    const res = await me(bearer(user.accessToken));
    expectInvalidToken(res, 'token_expired');
    expect(res.headers['www-authenticate']).toContain('error_description="');
  });

  it('when the token is past exp but within CLOCK_TOLERANCE, then it is still accepted', async () => {
    const user = await registerUser(api.app);
    const { payload } = partsOf(user.accessToken);
    api.clock.set((payload.exp as number) * 1000 + api.config.clockToleranceMs - 2000);
    await me(bearer(user.accessToken)).expect(200);
  });
});

describe('revocation and roles', () => {
  it('when the user logs out, then the access token of that session gets 401 session_revoked at once', async () => {
    const user = await registerUser(api.app);
    await me(bearer(user.accessToken)).expect(200);
    await request(api.app).post('/auth/logout').set(XHR).set('Cookie', `refresh_token=${user.refresh}`).expect(204);
    expectInvalidToken(await me(bearer(user.accessToken)), 'session_revoked');
  });

  it('when the session is deleted through DELETE /api/sessions/:id, then its access token gets session_revoked at once', async () => {
    const user = await registerUser(api.app);
    const { payload } = partsOf(user.accessToken);
    await me(bearer(user.accessToken)).expect(200);
    await request(api.app)
      .delete(`/api/sessions/${payload.sid as string}`)
      .set(bearer(user.accessToken))
      .expect(204);
    expectInvalidToken(await me(bearer(user.accessToken)), 'session_revoked');
  });

  it('when a user token calls GET /api/admin/users, then 403 insufficient_scope with scope="admin"', async () => {
    const user = await registerUser(api.app);
    const res = await request(api.app).get('/api/admin/users').set(bearer(user.accessToken));
    expectProblem(res, 403, 'insufficient_scope');
    const challenge = res.headers['www-authenticate'] as string;
    expect(challenge).toMatch(/^Bearer realm="spa-auth", /);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="admin"');
  });

  it('when the user is made admin and logs in again, then GET /api/admin/users answers 200', async () => {
    const user = await registerUser(api.app);
    await api.db.query("UPDATE users SET role = 'admin' WHERE id = $1", [user.user.id]);
    const login = await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }).expect(200);
    expect(login.body.user.role).toBe('admin');
    expect(partsOf(login.body.accessToken).payload.role).toBe('admin');
    const res = await request(api.app)
      .get(`/api/admin/users?search=${encodeURIComponent(user.email)}`)
      .set(bearer(login.body.accessToken))
      .expect(200);
    expect(res.body.users.map((u: { id: string }) => u.id)).toEqual([user.user.id]);
  });
});

describe('keys and token format', () => {
  it('when the JWK Set is fetched, then it lists the signing key under its RFC 7638 thumbprint, public members only', async () => {
    const res = await request(api.app).get('/.well-known/jwks.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const keys = res.body.keys as Json[];
    expect(keys.length).toBeGreaterThanOrEqual(1);
    const jwk = keys.find((k) => k.kid === api.keys.signing.kid);
    expect(jwk).toBeDefined();
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', x: expect.any(String), y: expect.any(String) });
    for (const key of keys) {
      expect(key).not.toHaveProperty('d');
      const canonical = JSON.stringify({ crv: key.crv, kty: key.kty, x: key.x, y: key.y });
      expect(key.kid).toBe(createHash('sha256').update(canonical).digest('base64url'));
    }
    expect(JSON.stringify(res.body)).not.toContain(api.keys.signing.privateKey.export({ format: 'jwk' }).d as string);
  });

  it('when a user registers, then the access token has the RFC 9068 header and claims, exp = iat + 300', async () => {
    const user = await registerUser(api.app);
    const { header, payload } = partsOf(user.accessToken);
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: api.keys.signing.kid });
    const { payload: again } = partsOf((await registerUser(api.app)).accessToken);
    expect(again.jti).not.toBe(payload.jti);
    expect(payload).toEqual({
      iss: 'spa-auth',
      aud: 'spa-auth-api',
      sub: user.user.id,
      client_id: 'spa-auth-web',
      sid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      jti: expect.any(String),
      iat: Math.floor(api.clock.now() / 1000),
      exp: Math.floor(api.clock.now() / 1000) + 300,
      role: 'user',
      // No mail server in this app, so a new address counts as verified.
      email_verified: true,
      auth_time: Math.floor(api.clock.now() / 1000),
      // A password alone (requirement 17.18).
      amr: ['pwd'],
      acr: 'urn:spa-auth:acr:pwd',
    });
    const { rows } = await api.db.query<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1', [user.user.id]);
    expect(rows.map((r) => r.id)).toEqual([payload.sid]);
  });

  it('when the access token is verified against the served JWK, then its signature checks out', async () => {
    const user = await registerUser(api.app);
    const res = await request(api.app).get('/.well-known/jwks.json').expect(200);
    const { header } = partsOf(user.accessToken);
    const jwk = (res.body.keys as Json[]).find((k) => k.kid === header.kid);
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    const [h, p, s] = user.accessToken.split('.');
    const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s as string, 'base64url'));
    expect(ok).toBe(true);
  });
});

describe('every protected route', () => {
  const routes: [string, string][] = [
    ['get', '/api/me'],
    ['patch', '/api/me'],
    ['put', '/api/me/password'],
    ['get', '/api/sessions'],
    ['delete', '/api/sessions/00000000-0000-4000-8000-000000000000'],
    ['post', '/api/sessions/revoke-others'],
    ['get', '/api/admin/users'],
  ];
  it.each(routes)('when %s %s comes without a token, then 401 token_missing with the bare Bearer challenge', async (method, path) => {
    const res = await (request(api.app) as unknown as Record<string, (p: string) => request.Test>)[method]?.(path).expect(401);
    expect(res?.body.code).toBe('token_missing');
    expect(res?.headers['www-authenticate']).toBe('Bearer realm="spa-auth"');
  });
});

describe('routes a starter adds', () => {
  it('when a route is added under /api, then it is behind the bearer check without asking; on publicApi, it is public', async () => {
    const app = createApp({
      ...api.deps,
      extend: (routes, { publicApi }) => {
        routes.get('/api/reports', requireScope('profile:read'), (_req, res) => {
          res.json({ reportsFor: res.locals.auth.sub });
        });
        publicApi.get('/status', (_req, res) => {
          res.json({ status: 'open to all' });
        });
      },
    });
    const missing = await request(app).get('/api/reports').expect(401);
    expect(missing.body.code).toBe('token_missing');
    const user = await registerUser(app);
    const mine = await request(app).get('/api/reports').set(bearer(user.accessToken)).expect(200);
    expect(mine.body).toEqual({ reportsFor: user.user.id });
    expect(mine.headers['cache-control']).toBe('no-store');
    await request(app).get('/api/status').expect(200, { status: 'open to all' });
  });
});
