import { createHash } from 'node:crypto';
import { API_TOKEN_PATTERN, SCOPES, type Scope } from '@spa-auth/contract';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { ApiTokenStore } from '../src/api-tokens/api-tokens.ts';
import { LAST_USED_WRITE_INTERVAL_MS } from '../src/api-tokens/authenticator.ts';
import { generateApiToken, isWellFormedApiToken } from '../src/api-tokens/format.ts';
import { createApp } from '../src/app.ts';
import { listRouteAccess, requireScope } from '../src/auth/scopes.ts';
import type { RetentionTask } from '../src/retention.ts';
import {
  bearer,
  createApiToken,
  createTestApi,
  expectProblem,
  memoryLogger,
  PASSWORD,
  realBackends,
  registerAdmin,
  registerUser,
  type TestApi,
  XHR,
} from './support.ts';

// API tokens end to end through the real app on both databases: made with a recent sign-in, sent
// as Bearer tokens, held to the scope every /api route declares, capped by the owner's role,
// revoked by the owner, an admin or a disabled account, expired by the clock, limited per token.

const backends = await realBackends();
const DAY_MS = 86_400_000;

type Person = Awaited<ReturnType<typeof registerUser>>;

const adminOf = registerAdmin;

const createToken = (api: TestApi, person: Person, scopes: readonly Scope[], expiresInDays = 30, name = 'script') =>
  createApiToken(api.app, person.accessToken, { scopes, expiresInDays, name });

/** Another instance of the test app whose token store is the real one with `overrides` in front. */
const withStore = (api: TestApi, overrides: Partial<ApiTokenStore>) =>
  createApp({ ...api.deps, storage: { ...api.storage, apiTokens: { ...api.storage.apiTokens, ...overrides } } });

/** The activity log's event types for the user, oldest first, once the background work is done. */
async function activityTypes(api: TestApi, person: Person) {
  await api.deps.background?.settled();
  const res = await request(api.app).get('/api/me/activity').set(bearer(person.accessToken)).expect(200);
  return (res.body.events as Array<{ type: string; detail: string | null; ip: string | null }>).reverse();
}

describe('the API token format', () => {
  it('when a token is made, then it is the prefix, 256 bits of base62 and a checksum that any changed character breaks', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const { secret, hash, displayPrefix } = generateApiToken();
      expect(secret).toMatch(API_TOKEN_PATTERN);
      expect(secret).toHaveLength(57);
      expect(isWellFormedApiToken(secret)).toBe(true);
      expect(hash.equals(createHash('sha256').update(secret).digest())).toBe(true);
      expect(secret.startsWith(displayPrefix)).toBe(true);
      seen.add(secret);
      // One character changed anywhere after the prefix: the checksum no longer matches.
      const at = 8 + (i % 49);
      const changed = secret.slice(0, at) + (secret[at] === 'a' ? 'b' : 'a') + secret.slice(at + 1);
      expect(isWellFormedApiToken(changed)).toBe(false);
    }
    expect(seen.size).toBe(200);
    expect(isWellFormedApiToken(generateApiToken().secret.slice(0, -1))).toBe(false);
    // The pattern finds a token inside other text, as a secret scanner reads a file.
    const { secret } = generateApiToken();
    expect(`export SPA_AUTH_TOKEN="${secret}"`.match(API_TOKEN_PATTERN)?.[0]).toBe(secret);
  });
});

describe('which scope every /api route needs', () => {
  it('when the app is built, then every /api route declares a scope or personOnly, and one that does not stops the build', async () => {
    const api = await createTestApi();
    const routes = listRouteAccess(api.app, { under: '/api', skip: [] });
    expect(routes.length).toBeGreaterThanOrEqual(15);
    expect(routes.filter((r) => r.access === undefined)).toEqual([]);
    expect(routes).toContainEqual({ method: 'GET', path: '/api/me', access: { scope: 'profile:read' } });
    expect(routes).toContainEqual({ method: 'POST', path: '/api/tokens', access: { person: true } });
    expect(() =>
      createApp({
        ...api.deps,
        extend: (app) => {
          app.get('/api/reports', (_req, res) => {
            res.json({});
          });
        },
      }),
    ).toThrow('GET /api/reports');
    // Declared, it is built, and a token needs the scope it names.
    createApp({ ...api.deps, extend: (app) => app.get('/api/reports', requireScope('profile:read'), (_req, res) => res.json({})) });
  });
});

describe.each(backends)('API tokens on %s', (_name, open) => {
  const setup = (env: Record<string, string> = {}) => open().then(async (db) => createTestApi(env, { db }));

  it('when a token is made, then the secret is shown once, the database holds only its SHA-256, and it works as a Bearer token', async () => {
    const api = await setup();
    const person = await registerUser(api.app);
    const { id, secret, body } = await createToken(api, person, ['profile:read'], 7, 'nightly report');
    expect(secret).toMatch(API_TOKEN_PATTERN);
    expect(body.token).toMatchObject({ id, name: 'nightly report', scopes: ['profile:read'], prefix: secret.slice(0, 12) });
    expect(new Date(body.token.expiresAt).getTime() - new Date(body.token.createdAt).getTime()).toBe(7 * DAY_MS);

    const { rows } = await api.db.query<Record<string, unknown>>('SELECT * FROM api_tokens WHERE id = $1', [id]);
    const row = rows[0] as Record<string, unknown>;
    expect(Buffer.from(row.token_hash as Uint8Array).equals(createHash('sha256').update(secret).digest())).toBe(true);
    expect(JSON.stringify(row)).not.toContain(secret.slice(8));

    const listed = await request(api.app).get('/api/tokens').set(bearer(person.accessToken)).expect(200);
    expect(listed.body.tokens).toEqual([body.token]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const me = await request(api.app).get('/api/me').set(bearer(secret)).expect(200);
    expect(me.body.user.id).toBe(person.user.id);
    expect(me.headers['cache-control']).toBe('no-store');
  });

  it('when the sign-in is not recent, or a scope is beyond the role, or the body is wrong, then no token is made', async () => {
    const api = await setup({ REAUTH_MAX_AGE: '5m' });
    const person = await registerUser(api.app);
    const post = (body: object) => request(api.app).post('/api/tokens').set(bearer(person.accessToken)).send(body);
    const admin = await post({ name: 'x', scopes: ['admin:read'], expiresInDays: 30 });
    expectProblem(admin, 403, 'insufficient_scope');
    expect(admin.headers['www-authenticate']).toContain('scope="admin:read"');
    expectProblem(await post({ name: 'x', scopes: [], expiresInDays: 30 }), 400, 'validation_failed');
    expectProblem(await post({ name: 'x', scopes: ['profile:read', 'profile:read'], expiresInDays: 30 }), 400, 'validation_failed');
    expectProblem(await post({ name: 'x', scopes: ['profile:read'], expiresInDays: 31 }), 400, 'validation_failed');
    expectProblem(await post({ name: 'x', scopes: ['profile:read'] }), 400, 'validation_failed');
    expectProblem(await post({ name: 'x', scopes: ['everything'], expiresInDays: 30 }), 400, 'validation_failed');
    api.clock.advance(5 * 60_000 + 1_000);
    const stale = await post({ name: 'x', scopes: ['profile:read'], expiresInDays: 30 });
    expectProblem(stale, 401, 'insufficient_user_authentication');
    expect(stale.headers['www-authenticate']).toContain('max_age=300');
    expect((await request(api.app).get('/api/tokens').set(bearer(person.accessToken)).expect(200)).body.tokens).toEqual([]);
  });

  it('when every /api route is called with a token lacking its scope, then 403 insufficient_scope names it; with it, the scope check passes', async () => {
    const api = await setup();
    const admin = await adminOf(api);
    const routes = listRouteAccess(api.app, { under: '/api', skip: [] });
    const path = (p: string) => p.replace(/:[a-zA-Z]+/g, '00000000-0000-4000-8000-000000000000');
    const call = (method: string, url: string, token: string) => {
      const req = request(api.app)[method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete'](url).set(bearer(token));
      return method === 'GET' || method === 'DELETE' ? req : req.set('Content-Type', 'application/json').send('{}');
    };
    const everyScope = await createToken(api, admin, SCOPES);
    for (const route of routes) {
      const url = path(route.path);
      if (route.access === undefined) throw new Error(`${route.method} ${route.path} declares nothing`);
      if ('person' in route.access) {
        expectProblem(await call(route.method, url, everyScope.secret), 403, 'api_token_not_allowed');
        continue;
      }
      const needed = route.access.scope;
      const without = await createToken(
        api,
        admin,
        SCOPES.filter((scope) => scope !== needed),
      );
      const refused = await call(route.method, url, without.secret);
      expectProblem(refused, 403, 'insufficient_scope');
      expect(refused.headers['www-authenticate']).toBe(
        `Bearer realm="spa-auth", error="insufficient_scope", error_description="This needs the scope ${needed}", scope="${needed}"`,
      );
      const only = await createToken(api, admin, [needed]);
      const allowed = await call(route.method, url, only.secret);
      // Past the scope check the route answers for itself (404 for the made-up id, 400 for the empty body).
      expect(allowed.body.code, `${route.method} ${route.path}`).not.toBe('insufficient_scope');
      expect(allowed.status, `${route.method} ${route.path}`).not.toBe(401);
      expect(allowed.status, `${route.method} ${route.path}`).toBeLessThan(500);
      await request(api.app).delete(`/api/tokens/${without.id}`).set(bearer(admin.accessToken)).expect(204);
      await request(api.app).delete(`/api/tokens/${only.id}`).set(bearer(admin.accessToken)).expect(204);
    }
    // And never a route under /auth: re-authenticating needs the person.
    expectProblem(
      await request(api.app).post('/auth/reauthenticate').set(XHR).set(bearer(everyScope.secret)).send({ password: PASSWORD }),
      403,
      'api_token_not_allowed',
    );
  });

  it("when an admin's token is used after the admin is demoted, then its admin scopes are gone at once", async () => {
    const api = await setup();
    const admin = await adminOf(api);
    const otherAdmin = await adminOf(api);
    const token = await createToken(api, admin, ['admin:read', 'profile:read']);
    await request(api.app).get('/api/admin/users').set(bearer(token.secret)).expect(200);
    await request(api.app)
      .patch(`/api/admin/users/${admin.user.id}`)
      .set(bearer(otherAdmin.accessToken))
      .send({ role: 'user' })
      .expect(200);
    await api.deps.background?.settled();
    expectProblem(await request(api.app).get('/api/admin/users').set(bearer(token.secret)), 403, 'insufficient_scope');
    await request(api.app).get('/api/me').set(bearer(token.secret)).expect(200);
  });

  it('when a token is revoked by its owner, then this instance refuses it at once and another within the 2 s re-read', async () => {
    const api = await setup();
    const other = createApp(api.deps);
    const person = await registerUser(api.app);
    const token = await createToken(api, person, ['profile:read']);
    await request(other).get('/api/me').set(bearer(token.secret)).expect(200);
    await request(api.app).delete(`/api/tokens/${token.id}`).set(bearer(person.accessToken)).expect(204);
    const refused = await request(api.app).get('/api/me').set(bearer(token.secret));
    expectProblem(refused, 401, 'token_revoked');
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer realm="spa-auth", error="invalid_token", error_description="The API token was revoked"',
    );
    // The other instance had it cached (no bus in this test): it re-reads within two seconds.
    api.clock.advance(2_000);
    expectProblem(await request(other).get('/api/me').set(bearer(token.secret)), 401, 'token_revoked');
    expect((await request(api.app).get('/api/tokens').set(bearer(person.accessToken))).body.tokens).toEqual([]);
    expectProblem(await request(api.app).delete(`/api/tokens/${token.id}`).set(bearer(person.accessToken)), 404, 'not_found');
    const types = await activityTypes(api, person);
    // The manual clock stands still, so the events share a time: compare them as a set.
    expect(types.map((e) => e.type).sort()).toEqual(['api_token_created', 'api_token_revoked', 'api_token_used_from_new_ip', 'registered']);
    expect(types.find((e) => e.type === 'api_token_revoked')?.detail).toBe('“script” by the user');
  });

  it('when an admin revokes a user’s tokens, or disables the account, then every token of it is refused', async () => {
    const api = await setup();
    const admin = await adminOf(api);
    const person = await registerUser(api.app);
    const first = await createToken(api, person, ['profile:read']);
    const listed = await request(api.app).get(`/api/admin/users/${person.user.id}/tokens`).set(bearer(admin.accessToken)).expect(200);
    expect(listed.body.tokens.map((t: { id: string }) => t.id)).toEqual([first.id]);
    await request(api.app).post(`/api/admin/users/${person.user.id}/tokens/revoke`).set(bearer(admin.accessToken)).expect(204);
    expectProblem(await request(api.app).get('/api/me').set(bearer(first.secret)), 401, 'token_revoked');
    expectProblem(
      await request(api.app).post('/api/admin/users/00000000-0000-4000-8000-000000000000/tokens/revoke').set(bearer(admin.accessToken)),
      404,
      'not_found',
    );

    const fresh = await registerUser(api.app, { email: `again-${person.email}` });
    const second = await createToken(api, fresh, ['profile:read']);
    await request(api.app).patch(`/api/admin/users/${fresh.user.id}`).set(bearer(admin.accessToken)).send({ disabled: true }).expect(200);
    await api.deps.background?.settled();
    expectProblem(await request(api.app).get('/api/me').set(bearer(second.secret)), 401, 'token_revoked');
    // Revoked for good: enabling the account again does not bring the token back.
    await request(api.app).patch(`/api/admin/users/${fresh.user.id}`).set(bearer(admin.accessToken)).send({ disabled: false }).expect(200);
    api.clock.advance(2_000);
    expectProblem(await request(api.app).get('/api/me').set(bearer(second.secret)), 401, 'token_revoked');
  });

  it('when the owner changes the password, then tokens go on; when the account is deleted, then they go with it', async () => {
    const api = await setup();
    const person = await registerUser(api.app);
    const token = await createToken(api, person, ['profile:read']);
    await request(api.app)
      .put('/api/me/password')
      .set(bearer(person.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'another-password-42' })
      .expect(204);
    await api.deps.background?.settled();
    await request(api.app).get('/api/me').set(bearer(token.secret)).expect(200);
    await request(api.app).delete('/api/me').set(bearer(person.accessToken)).expect(204);
    expect((await api.db.query('SELECT id FROM api_tokens WHERE id = $1', [token.id])).rows).toEqual([]);
    // Cached as live on this instance until the 2 s re-read, then unknown.
    api.clock.advance(2_000);
    expectProblem(await request(api.app).get('/api/me').set(bearer(token.secret)), 401, 'token_invalid');
  });

  it('when a token is older than its lifetime, then it is refused, and its expiry is reported once in the activity log', async () => {
    const api = await setup();
    const person = await registerUser(api.app);
    const token = await createToken(api, person, ['profile:read'], 7);
    await request(api.app).get('/api/me').set(bearer(token.secret)).expect(200);
    api.clock.advance(7 * DAY_MS);
    const expired = await request(api.app).get('/api/me').set(bearer(token.secret));
    expectProblem(expired, 401, 'token_expired');
    expect(expired.headers['www-authenticate']).toContain('error="invalid_token"');

    // The retention job's task reports it, once however often it runs.
    const tasks: RetentionTask[] = [];
    createApp({ ...api.deps, addRetentionTask: (task) => tasks.push(task) });
    const report = tasks.find((task) => task.name === 'API token expiries reported') as RetentionTask;
    expect(await report.deleteBefore(new Date(api.clock.now()), 1000)).toBeGreaterThanOrEqual(1);
    await report.deleteBefore(new Date(api.clock.now()), 1000);
    const session = await request(api.app).post('/auth/login').set(XHR).send({ email: person.email, password: PASSWORD }).expect(200);
    const signedIn = { ...person, accessToken: session.body.accessToken as string };
    const expiries = (await activityTypes(api, signedIn)).filter((e) => e.type === 'api_token_expired');
    expect(expiries).toHaveLength(1);
    expect(expiries[0]?.detail).toBe('“script”');
    // Still listed, expired, until the retention job deletes it 30 days on (its deletion is the
    // port's, tested in test/ports: run here, it would reach the other files' rows).
    const listed = await request(api.app).get('/api/tokens').set(bearer(signedIn.accessToken)).expect(200);
    expect(listed.body.tokens.map((t: { id: string }) => t.id)).toEqual([token.id]);
    expect(tasks.find((task) => task.name === 'ended API tokens')?.retentionMs).toBe(30 * DAY_MS);
  });

  it('when a token is used, then last use is written once a minute at most, and a new address is reported once', async () => {
    const api = await setup({ TRUST_PROXY: '1' });
    const writes: string[] = [];
    const counted = withStore(api, {
      recordApiTokenUse: (id, use) => {
        writes.push(use.ip);
        return api.storage.apiTokens.recordApiTokenUse(id, use);
      },
    });
    const person = await registerUser(api.app);
    const token = await createToken(api, person, ['profile:read']);
    const from = (ip: string) => request(counted).get('/api/me').set(bearer(token.secret)).set('X-Forwarded-For', ip).expect(200);
    for (let i = 0; i < 5; i += 1) await from('203.0.113.1');
    await api.deps.background?.settled();
    expect(writes).toEqual(['203.0.113.1']);
    const listed = (await request(api.app).get('/api/tokens').set(bearer(person.accessToken))).body.tokens[0];
    expect(listed).toMatchObject({ lastUsedIp: '203.0.113.1', lastUsedAt: new Date(api.clock.now()).toISOString() });

    await from('198.51.100.2');
    api.clock.advance(LAST_USED_WRITE_INTERVAL_MS - 1);
    await from('203.0.113.1');
    api.clock.advance(1);
    await from('203.0.113.1');
    await api.deps.background?.settled();
    expect(writes).toEqual(['203.0.113.1', '198.51.100.2', '203.0.113.1']);

    const types = await activityTypes(api, person);
    const newIp = types.filter((e) => e.type === 'api_token_used_from_new_ip');
    expect(newIp.map((e) => e.ip).sort()).toEqual(['198.51.100.2', '203.0.113.1']);
    expect(newIp[0]?.detail).toBe('“script”');
  });

  it('when a token passes its rate limit, then 429 with Retry-After; other tokens and the browser session go on', async () => {
    const api = await setup({ API_TOKEN_RATE_LIMIT: '3' });
    const person = await registerUser(api.app);
    const busy = await createToken(api, person, ['profile:read']);
    const quiet = await createToken(api, person, ['profile:read']);
    const first = await request(api.app).get('/api/me').set(bearer(busy.secret)).expect(200);
    expect(first.headers.ratelimit).toMatch(/^"api-token"; r=2; t=\d+/);
    expect(first.headers['ratelimit-policy']).toMatch(/^"api-token"; q=3; w=\d+/);
    await request(api.app).get('/api/me').set(bearer(busy.secret)).expect(200);
    await request(api.app).get('/api/me').set(bearer(busy.secret)).expect(200);
    const limited = await request(api.app).get('/api/me').set(bearer(busy.secret));
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers.ratelimit).toMatch(/^"api-token"; r=0; t=\d+/);
    const other = await request(api.app).get('/api/me').set(bearer(quiet.secret)).expect(200);
    expect(other.headers.ratelimit).toMatch(/^"api-token"; r=2; t=\d+/);
    // Each token is its own partition, named by an opaque key that is not the token's id.
    const partitionOf = (res: { headers: Record<string, string> }) => /pk=:([^:]+):/.exec(res.headers['ratelimit-policy'] ?? '')?.[1];
    expect(partitionOf(limited)).toBe(partitionOf(first));
    expect(partitionOf(other)).not.toBe(partitionOf(first));
    expect(first.headers['ratelimit-policy']).not.toContain(busy.id);
    for (let i = 0; i < 5; i += 1) await request(api.app).get('/api/me').set(bearer(person.accessToken)).expect(200);
    // The window is the injected clock's: once it ends, the token has its whole budget again.
    api.clock.advance(Number(limited.headers['retry-after']) * 1000);
    const again = await request(api.app).get('/api/me').set(bearer(busy.secret)).expect(200);
    expect(again.headers.ratelimit).toMatch(/^"api-token"; r=2; t=\d+/);
  });

  it('when a token is mistyped, unknown or of another format, then 401 token_invalid, and a mistyped one costs no database read', async () => {
    const api = await setup();
    let reads = 0;
    const counted = withStore(api, {
      findApiTokensByHash: (hashes) => {
        reads += hashes.length;
        return api.storage.apiTokens.findApiTokensByHash(hashes);
      },
    });
    const person = await registerUser(api.app);
    const { secret } = await createToken(api, person, ['profile:read']);
    const mistyped = `${secret.slice(0, 20)}${secret[20] === 'x' ? 'y' : 'x'}${secret.slice(21)}`;
    for (const wrong of [mistyped, secret.slice(0, -1), `${secret}a`, 'spa_pat_short']) {
      const res = await request(counted).get('/api/me').set(bearer(wrong));
      expectProblem(res, 401, 'token_invalid');
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    }
    expect(reads).toBe(0);
    // Well formed but never issued: one read, then refused.
    expectProblem(await request(counted).get('/api/me').set(bearer(generateApiToken().secret)), 401, 'token_invalid');
    expect(reads).toBe(1);
  });

  it('when a token is in use, then the read of another token takes it along before its two seconds are up, and it needs no read of its own', async () => {
    const api = await setup();
    const calls: number[] = [];
    const counted = withStore(api, {
      findApiTokensByHash: (hashes) => {
        calls.push(hashes.length);
        return api.storage.apiTokens.findApiTokensByHash(hashes);
      },
    });
    const person = await registerUser(api.app);
    const made = [];
    for (let i = 0; i < 3; i += 1) made.push(await createToken(api, person, ['profile:read']));
    const [first, second, third] = made as [(typeof made)[0], (typeof made)[0], (typeof made)[0]];
    for (const t of [first, second]) await request(counted).get('/api/me').set(bearer(t.secret)).expect(200);
    expect(calls).toEqual([1, 1]);
    api.clock.advance(1_500);
    await request(counted).get('/api/me').set(bearer(first.secret)).expect(200);
    calls.length = 0;
    // A new token's read takes the first along (in use since its read, answer 1.5 s old), not the second.
    await request(counted).get('/api/me').set(bearer(third.secret)).expect(200);
    expect(calls).toEqual([2]);
    api.clock.advance(1_000);
    await request(counted).get('/api/me').set(bearer(first.secret)).expect(200);
    expect(calls).toEqual([2]);
  });

  it('when an account holds the most live tokens, then the next is 409 api_token_limit, however many are asked for at once', async () => {
    const api = await setup();
    const person = await registerUser(api.app);
    const results = await Promise.all(
      Array.from({ length: 55 }, (_, i) =>
        request(api.app)
          .post('/api/tokens')
          .set(bearer(person.accessToken))
          .send({ name: `t${i}`, scopes: ['profile:read'], expiresInDays: 7 }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(50);
    for (const r of results.filter((r) => r.status !== 201)) expectProblem(r, 409, 'api_token_limit');
  });
});

describe('API tokens in the logs', () => {
  it('when a token is sent in the header, the query string or a body, then no log line carries it', async () => {
    const { logger, text: logged } = memoryLogger();
    const { deps } = await createTestApi({ LOG_LEVEL: 'info' });
    const app = createApp({ ...deps, logger });
    const person = await registerUser(app);
    const { secret } = await createApiToken(app, person.accessToken, { name: 'logged' });
    await request(app).get('/api/me').set(bearer(secret)).expect(200);
    await request(app).get(`/api/me?access_token=${secret}`).expect(401);
    await request(app)
      .get('/api/me')
      .set(bearer(`${secret.slice(0, -1)}0`));
    await request(app).patch('/api/me').set(bearer(secret)).send({ name: secret });
    await request(app).post('/auth/login').set(XHR).send({ email: secret, password: secret });
    // Where no redaction path reaches: a path, a User-Agent, and a log line of the app's own.
    await request(app).get(`/api/${secret}`).set(bearer(secret)).set('User-Agent', `script/1.0 ${secret}`);
    await request(app).get(`/nowhere/${secret.slice(0, -1)}`);
    logger.child({}).info({ hint: `token ${secret}` }, 'a starter logs what it should not');
    await deps.background?.settled();
    const text = logged();
    expect(text).toContain('/api/me');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(secret.slice(8, 40));
  });
});
