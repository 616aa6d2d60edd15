import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../apps/api/src/adapters/postgres/database.ts';
import { createKeySet, type KeySet } from '../../../apps/api/src/auth/keys.ts';
import {
  bearer,
  createServiceClient,
  createTestApi,
  expectProblem,
  listening,
  openTestPostgres,
  registerUser,
  serviceTokenOf,
  type TestApi,
  testKeys,
  XHR,
} from '../../../apps/api/test/support.ts';
import { answersTo, tokenAttacksOn } from '../../../apps/api/test/token-attacks.ts';
import { createResourceServer, type ResourceServer, type ResourceServerOptions } from '../src/index.ts';

// The kit against the real API listening on a port (the real app, config parser and database, a
// manual clock the kit shares): its JWK Set fetched over HTTP, a real service client exchanging its
// secret for a service token, and real introspection. The Express app here is a service's own: one
// route behind requireAuth that answers with the claims it was given.

const AUDIENCE = 'notes';
const ENV = { JWT_EXTRA_AUDIENCES: AUDIENCE };

/** One HTTP server whose API can be swapped, as a deployment swaps instances during a key rotation. */
let current: TestApi;
let server: Server;
let apiUrl: string;
let postgres: Database | null = null;
let client: { clientId: string; clientSecret: string };

beforeAll(async () => {
  postgres = await openTestPostgres();
  current = await createTestApi(ENV, postgres ? { db: postgres } : {});
  server = createServer((req, res) => {
    countRequest(req.url);
    current.app(req, res);
  });
  server.listen(0, '127.0.0.1');
  apiUrl = await listening(server);
  ({ client } = await createServiceClient(current));
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await current?.deps.background?.settled();
  await postgres?.close();
});

/** JWK Set fetches, grants and introspections as the API's server received them. */
const received = { jwks: 0, token: 0, introspect: 0 };
function countRequest(url: string | undefined) {
  const path = new URL(url ?? '/', 'http://api').pathname;
  if (path.endsWith('/jwks.json')) received.jwks++;
  if (path === '/oauth/token') received.token++;
  if (path === '/oauth/introspect') received.introspect++;
}

/** The requests the API receives from now on. */
function countFromNow() {
  const start = { ...received };
  return {
    get jwks() {
      return received.jwks - start.jwks;
    },
    get token() {
      return received.token - start.token;
    },
    get introspect() {
      return received.introspect - start.introspect;
    },
  };
}

function kit(overrides: Partial<ResourceServerOptions> = {}) {
  const counts = countFromNow();
  const tokens = createResourceServer({
    apiUrl,
    issuer: current.config.jwtIssuer,
    audience: AUDIENCE,
    maxTokenLifetimeSeconds: current.config.accessTokenTtlMs / 1000,
    clockToleranceSeconds: current.config.clockToleranceMs / 1000,
    introspection: client,
    clock: current.clock,
    ...overrides,
  });
  return { tokens, counts, app: serviceApp(tokens) };
}

function serviceApp(tokens: ResourceServer) {
  const app = express();
  app.use(express.json());
  const answer: express.RequestHandler = (_req, res) => {
    res.json({ sub: res.locals.auth.sub, sid: res.locals.auth.sid, role: res.locals.auth.role });
  };
  app.get('/notes', tokens.requireAuth, answer);
  app.post('/notes', tokens.requireAuth, answer);
  return app;
}

const notes = (app: express.Express, token: string) => request(app).get('/notes').set(bearer(token));

async function logout(refreshCookie: string) {
  await request(current.app).post('/auth/logout').set(XHR).set('Cookie', `refresh_token=${refreshCookie}`).expect(204);
}

describe('verification: the API own verifier, the keys from its JWK Set', () => {
  it('when a live token of the API is sent, then the service sees its subject and session, and an audience it is not in is refused', async () => {
    const { app } = kit();
    const user = await registerUser(current.app);
    const res = await notes(app, user.accessToken).expect(200);
    expect(res.body).toEqual({ sub: user.user.id, sid: expect.any(String), role: 'user' });
    // The same API, another service's audience: the token does not name it.
    const other = serviceApp(kit({ audience: 'billing' }).tokens);
    const refused = await notes(other, user.accessToken);
    expectProblem(refused, 401, 'token_invalid');
  });

  it('when each attack of the table the API is tested with is sent, then the kit answers as the API does', async () => {
    const { app } = kit();
    const user = await registerUser(current.app);
    const attacks = tokenAttacksOn(current, user.accessToken, await serviceTokenOf(current.app, client));
    const { answers, expected } = await answersTo(app, '/notes', attacks);
    expect(answers).toEqual(expected);
  });

  it('when tokens name made-up keys, then the JWK Set is fetched again at most once per cooldown', async () => {
    const { app, counts } = kit();
    const user = await registerUser(current.app);
    await notes(app, user.accessToken).expect(200);
    const fetched = counts.jwks;
    const [, payload] = user.accessToken.split('.');
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    for (let i = 0; i < 30; i++) {
      const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: `made-up-${i}` })).toString('base64url');
      const forged = `${header}.${payload}.${Buffer.from(`sig${i}`).toString('base64url')}`;
      expectProblem(await notes(app, forged), 401, 'token_invalid');
      void other;
    }
    // The first unknown kid may re-fetch (the cooldown starts from the first fetch); no more.
    expect(counts.jwks - fetched).toBeLessThanOrEqual(1);
  });
});

describe('the verified-token cache', () => {
  it('when a token comes again, then it is remembered once, within the bound, and an altered copy is verified and refused', async () => {
    const { app, tokens } = kit({ verifiedTokenCacheSize: 2 });
    const users = [await registerUser(current.app), await registerUser(current.app), await registerUser(current.app)];
    const first = users[0] as Awaited<ReturnType<typeof registerUser>>;
    await Promise.all(Array.from({ length: 10 }, () => notes(app, first.accessToken).expect(200)));
    expect(tokens.verifiedTokens).toBe(1);
    for (const user of users) await notes(app, user.accessToken).expect(200);
    expect(tokens.verifiedTokens).toBe(2);
    const [header, payload, signature] = first.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const altered = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${signature}`;
    expectProblem(await notes(app, altered), 401, 'token_invalid');
  });
});

describe('key rotation', () => {
  it('when the API starts signing with a new key, then its tokens pass at once, the old ones too while published, and none once the old key is gone', async () => {
    const original = current;
    const oldKeys = testKeys();
    const newKeys: KeySet = createKeySet(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, [oldKeys.signing.publicKey]);
    const onlyNew: KeySet = createKeySet(newKeys.signing.privateKey);
    // The cooldown at zero lets the test rotate twice in a row; the cache age at zero makes "gone"
    // visible at once instead of after the default five minutes.
    const { app, counts } = kit({ keys: { cooldownMs: 0, maxAgeMs: 0 } });
    try {
      const before = await registerUser(current.app);
      await notes(app, before.accessToken).expect(200);

      current = await createTestApi(ENV, { db: original.db, keys: newKeys, clock: original.clock });
      const jwksBefore = counts.jwks;
      const after = await registerUser(current.app);
      expect(JSON.parse(Buffer.from(after.accessToken.split('.')[0] as string, 'base64url').toString()).kid).toBe(newKeys.signing.kid);
      await notes(app, after.accessToken).expect(200);
      await notes(app, before.accessToken).expect(200);
      expect(counts.jwks).toBeGreaterThan(jwksBefore);

      current = await createTestApi(ENV, { db: original.db, keys: onlyNew, clock: original.clock });
      await notes(app, after.accessToken).expect(200);
      expectProblem(await notes(app, before.accessToken), 401, 'token_invalid');
    } finally {
      current = original;
    }
  });
});

describe('revocation through introspection', () => {
  it('when many requests of one session arrive at once, then one introspection answers them all, and the next only after the cache time', async () => {
    const { app, counts, tokens } = kit();
    const user = await registerUser(current.app);
    const answers = await Promise.all(Array.from({ length: 20 }, () => notes(app, user.accessToken)));
    expect(answers.map((res) => res.status)).toEqual(Array(20).fill(200));
    expect({ introspect: counts.introspect, token: counts.token }).toEqual({ introspect: 1, token: 1 });
    expect(tokens.introspectionRequests).toBe(1);

    current.clock.advance(1_999);
    await notes(app, user.accessToken).expect(200);
    expect(counts.introspect).toBe(1);
    current.clock.advance(1);
    await notes(app, user.accessToken).expect(200);
    expect(counts.introspect).toBe(2);
    // The service token is reused while it lives.
    expect(counts.token).toBe(1);
  });

  it('when four fifths of the service token lifetime have passed, then one new grant serves the next questions', async () => {
    const { app, counts } = kit();
    const user = await registerUser(current.app);
    await notes(app, user.accessToken).expect(200);
    expect(counts.token).toBe(1);
    const lifetime = current.config.serviceTokenTtlMs;
    current.clock.advance(lifetime * 0.8 - 1);
    const second = await registerUser(current.app);
    await notes(app, second.accessToken).expect(200);
    expect(counts.token).toBe(1);
    current.clock.advance(1);
    const third = await registerUser(current.app);
    await Promise.all([notes(app, third.accessToken).expect(200), notes(app, second.accessToken).expect(200)]);
    expect(counts.token).toBe(2);
  });

  it('when the session is ended at the API, then the service refuses its token once the cache time has passed, and keeps refusing without asking', async () => {
    const { app, counts } = kit();
    const user = await registerUser(current.app);
    await notes(app, user.accessToken).expect(200);
    await logout(user.refresh);
    // Within the cache time the service has not asked again: this is the bound it promises.
    await notes(app, user.accessToken).expect(200);
    current.clock.advance(2_000);
    const refused = await notes(app, user.accessToken);
    expectProblem(refused, 401, 'session_revoked');
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer realm="spa-auth", error="invalid_token", error_description="The session has ended"',
    );
    const asked = counts.introspect;
    current.clock.advance(2_000);
    expectProblem(await notes(app, user.accessToken), 401, 'session_revoked');
    expect(counts.introspect).toBe(asked);
  });

  it('when one token of a session is refused, then the session next token is asked about afresh', async () => {
    // The API answers "inactive" for a token that expired on its clock a moment before the question:
    // that answer is about the token, so it must not shut out the session refreshed token.
    const { app } = kit();
    const user = await registerUser(current.app);
    await notes(app, user.accessToken).expect(200);
    const refreshed = await request(current.app).post('/auth/refresh').set(XHR).set('Cookie', `refresh_token=${user.refresh}`).expect(200);
    current.clock.advance(2_000);
    await notes(app, refreshed.body.accessToken).expect(200);
  });

  it('when the service client is revoked, then the service fails closed: 503 with Retry-After, never a pass', async () => {
    const { admin, client: shortLived } = await createServiceClient(current, 'short-lived');
    const { app } = kit({ introspection: shortLived });
    const user = await registerUser(current.app);
    await notes(app, user.accessToken).expect(200);
    await request(current.app).delete(`/api/admin/service-clients/${shortLived.clientId}`).set(bearer(admin.accessToken)).expect(204);
    current.clock.advance(2_000);
    const res = await notes(app, user.accessToken);
    expectProblem(res, 503, 'service_unavailable');
    expect(res.headers['retry-after']).toBe('1');
  });

  it('when the API cannot be reached, then 503 service_unavailable, and a wrong secret is a 503 too', async () => {
    const user = await registerUser(current.app);
    const down = serviceApp(kit({ apiUrl: 'http://127.0.0.1:9' }).tokens);
    expectProblem(await notes(down, user.accessToken), 503, 'service_unavailable');
    const wrong = serviceApp(kit({ introspection: { ...client, clientSecret: `${client.clientSecret.slice(0, -1)}x` } }).tokens);
    expectProblem(await notes(wrong, user.accessToken), 503, 'service_unavailable');
  });

  it('when introspection is turned off, then a token of an ended session passes until it expires: the JWK Set alone cannot know', async () => {
    const { app, counts } = kit({ introspection: false });
    const user = await registerUser(current.app);
    await logout(user.refresh);
    current.clock.advance(2_000);
    await notes(app, user.accessToken).expect(200);
    expect(counts.introspect).toBe(0);
    current.clock.advance(current.config.accessTokenTtlMs + current.config.clockToleranceMs);
    expectProblem(await notes(app, user.accessToken), 401, 'token_expired');
  });

  it('when introspection is neither configured nor turned off, then the kit refuses to start', () => {
    expect(() => createResourceServer({ apiUrl, issuer: 'spa-auth', audience: AUDIENCE } as ResourceServerOptions)).toThrow(
      /introspection/,
    );
  });
});
