import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createLogger } from '../src/logger.ts';
import { connectRedis, type RedisDeps } from '../src/redis.ts';
import {
  bearer,
  createApiToken,
  createTestApi,
  PASSWORD,
  refresh,
  registerUser,
  sharedEmbeddedDatabase,
  uniqueEmail,
  XHR,
} from './support.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const connections: RedisDeps[] = [];
// initdb takes seconds (more under load): pay it in a hook, not inside the first test's time limit.
beforeAll(async () => {
  await sharedEmbeddedDatabase();
});
afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
});

/** Two API instances: one database, one Redis (or none), separate processes' worth of state. */
async function twoInstances(env: Record<string, string>, options: { redis?: boolean } = {}) {
  const namespace = `spa-auth-test-${randomBytes(6).toString('hex')}:`;
  const { deps, clock } = await createTestApi(env);
  const make = async () => {
    const redis = options.redis === false ? undefined : await connectRedis(REDIS_URL, createLogger('silent'), namespace);
    if (redis) connections.push(redis);
    // Each instance its own app (its own caches and in-process state) over the one database.
    return createApp({
      ...deps,
      ...(redis
        ? { createRateLimitStore: redis.createRateLimitStore, revocationBus: redis.revocationBus, createBus: redis.createBus }
        : {}),
    });
  };
  return { a: await make(), b: await make(), clock };
}

const login = (app: Parameters<typeof request>[0], email: string, password: string) =>
  request(app).post('/auth/login').set(XHR).send({ email, password });

describe('several API instances sharing Redis', () => {
  it('when failed logins are spread over two instances, then the limit counts them together', async () => {
    const { a, b } = await twoInstances({ LOGIN_MAX_FAILURES: '3' });
    const { email } = await registerUser(a);
    await login(a, email, 'wrong-password-1').expect(401);
    await login(b, email, 'wrong-password-2').expect(401);
    await login(a, email, 'wrong-password-3').expect(401);
    const blocked = await login(b, email, PASSWORD).expect(429);
    expect(blocked.body.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    await login(a, email, PASSWORD).expect(429);
  });

  it('when /auth requests are spread over two instances, then AUTH_RATE_LIMIT counts them together', async () => {
    const { a, b } = await twoInstances({ AUTH_RATE_LIMIT: '4' });
    await refresh(a, undefined).expect(401);
    await refresh(b, undefined).expect(401);
    await refresh(a, undefined).expect(401);
    await refresh(b, undefined).expect(401);
    expect((await refresh(a, undefined).expect(429)).body.code).toBe('rate_limited');
    // Logout is never limited.
    await request(b).post('/auth/logout').set(XHR).expect(204);
  });

  it('when a session is revoked on one instance, then the other refuses its access token without waiting for its cache', async () => {
    const { a, b } = await twoInstances({});
    const user = await registerUser(a);
    // B has looked the session up and cached it as active.
    await request(b).get('/api/me').set(bearer(user.accessToken)).expect(200);
    await request(a).post('/auth/logout').set(XHR).set('Cookie', `refresh_token=${user.refresh}`).expect(204);
    // The manual clock does not move, so only the Redis message can end B's cached answer.
    await expect
      .poll(async () => (await request(b).get('/api/me').set(bearer(user.accessToken))).status, { timeout: 3_000, interval: 50 })
      .toBe(401);
  });

  it('when an API token is revoked on one instance, then the other refuses it without waiting for its cache', async () => {
    const { a, b } = await twoInstances({});
    const user = await registerUser(a);
    const { id, secret: token } = await createApiToken(a, user.accessToken);
    await request(b).get('/api/me').set(bearer(token)).expect(200);
    await request(a).delete(`/api/tokens/${id}`).set(bearer(user.accessToken)).expect(204);
    // The manual clock does not move, so only the Redis message can end B's cached answer.
    await expect
      .poll(async () => (await request(b).get('/api/me').set(bearer(token))).body.code, { timeout: 3_000, interval: 50 })
      .toBe('token_revoked');
  });

  it('when an API token is used through two instances, then its rate limit counts both', async () => {
    const { a, b } = await twoInstances({ API_TOKEN_RATE_LIMIT: '2' });
    const user = await registerUser(a);
    const { secret: token } = await createApiToken(a, user.accessToken);
    await request(a).get('/api/me').set(bearer(token)).expect(200);
    await request(b).get('/api/me').set(bearer(token)).expect(200);
    expect((await request(a).get('/api/me').set(bearer(token)).expect(429)).body.code).toBe('rate_limited');
  });
});

describe('several API instances without Redis', () => {
  it('when a session is revoked on one instance, then the other refuses it once its 2 s cache entry is stale', async () => {
    const { a, b, clock } = await twoInstances({}, { redis: false });
    const user = await registerUser(a);
    await request(b).get('/api/me').set(bearer(user.accessToken)).expect(200);
    await request(a).post('/auth/logout').set(XHR).set('Cookie', `refresh_token=${user.refresh}`).expect(204);
    await request(a).get('/api/me').set(bearer(user.accessToken)).expect(401);
    clock.advance(1_500);
    await request(b).get('/api/me').set(bearer(user.accessToken)).expect(200);
    clock.advance(600);
    const refused = await request(b).get('/api/me').set(bearer(user.accessToken)).expect(401);
    expect(refused.body.code).toBe('session_revoked');
  });
});

describe('Redis down', () => {
  it('when Redis cannot be reached, then the API serves with per-instance limits, logs it, and shares limits again once Redis is up', async () => {
    let log = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        log += chunk;
        done();
      },
    });
    const logger = createLogger('info', sink);
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const { deps } = await createTestApi({ LOGIN_MAX_FAILURES: '2' });
    const make = async () => {
      const redis = await connectRedis(url, logger, `spa-auth-down-${port}:`);
      connections.push(redis);
      return createApp({ ...deps, logger, createRateLimitStore: redis.createRateLimitStore, revocationBus: redis.revocationBus });
    };
    const [a, b] = [await make(), await make()];

    // Serving without Redis: register, refresh, login all work.
    const email = uniqueEmail();
    const registered = await request(a).post('/auth/register').set(XHR).send({ email, password: PASSWORD, name: 'No Redis' }).expect(201);
    const cookie = registered.headers['set-cookie']?.[0]?.split(';', 1)[0] as string;
    await request(a).post('/auth/refresh').set(XHR).set('Cookie', cookie).expect(200);
    await login(a, email, PASSWORD).expect(200);
    expect(log).toContain('Redis');
    // Limits are per instance, not off: A refuses its third attempt; B has counted nothing.
    await login(a, email, 'wrong-password-1').expect(401);
    await login(a, email, 'wrong-password-2').expect(401);
    await login(a, email, PASSWORD).expect(429);
    await login(b, email, PASSWORD).expect(200);

    // Redis comes up: the next counts are shared.
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    try {
      const other = uniqueEmail();
      await registerUser(a, { email: other });
      // Each instance has its own connections and says so when they are back: wait for both, or
      // B's count could still go to its own counters.
      await expect.poll(() => log.split('Redis is back').length - 1, { timeout: 10_000, interval: 100 }).toBe(2);
      await login(a, other, 'wrong-password-1').expect(401);
      await login(b, other, 'wrong-password-2').expect(401);
      await login(a, other, PASSWORD).expect(429);
    } finally {
      server.kill('SIGKILL');
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}
