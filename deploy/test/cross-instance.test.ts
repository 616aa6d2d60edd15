// Two API processes, one PostgreSQL database, one Redis: what a user sees when consecutive requests
// land on different instances, as they do behind a load balancer (requirement 5.3 and 7).

import { readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from './support/agent.ts';
import {
  type ApiProcess,
  createThrowawayDatabase,
  generateSigningKeyPem,
  REPO_ROOT,
  type RedisServer,
  startApi,
  startRedis,
  waitFor,
} from './support/processes.ts';

type Pair = { a: ApiProcess; b: ApiProcess; databaseUrl: string; stop(): Promise<void> };

/** Two instances as the compose file runs them: same key, same database, same Redis. */
async function startPair(env: Record<string, string> = {}): Promise<Pair> {
  const [database, redis] = await Promise.all([createThrowawayDatabase(), startRedis()]);
  const shared = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    JWT_PRIVATE_KEY: generateSigningKeyPem(),
    ACCESS_TOKEN_TTL: '5m',
    CLOCK_TOLERANCE: '0',
    AUTH_RATE_LIMIT: '10000',
    REFRESH_RATE_LIMIT: '10000',
    LOG_LEVEL: 'warn',
    ...env,
  };
  const [a, b] = await Promise.all([startApi({ name: 'api-a', env: shared }), startApi({ name: 'api-b', env: shared })]);
  return {
    a,
    b,
    databaseUrl: database.url,
    async stop() {
      await Promise.all([a.stop(), b.stop()]);
      await Promise.all([database.drop(), (redis as RedisServer).stop()]);
    },
  };
}

describe('when one session moves between two instances', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair();
  });
  afterAll(async () => {
    await pair?.stop();
  });

  it('when a session starts on A, then it refreshes on B and the token B issued works on A', async () => {
    const { a, b } = pair;
    const tab = Agent.fresh();
    expect((await tab.register(a.url)).status).toBe(201);
    const fromA = tab.accessToken;

    const refreshed = await tab.refresh(b.url);
    expect(refreshed.status).toBe(200);
    expect(tab.accessToken).not.toBe(fromA);
    expect((await tab.me(a.url)).status).toBe(200);
    expect((await tab.refresh(a.url)).status).toBe(200);
    expect((await tab.me(b.url)).status).toBe(200);
  });

  it('when two tabs refresh the same cookie on A and on B at the same moment, then both succeed and the session goes on (5.3.1)', async () => {
    const { a, b } = pair;
    const first = Agent.fresh('race');
    expect((await first.register(a.url)).status).toBe(201);
    // Several rounds: the two requests reach the two instances' transactions in either order.
    for (let round = 0; round < 5; round += 1) {
      const second = new Agent(first.email);
      second.refreshCookie = first.refreshCookie;
      const [onA, onB] = await Promise.all([first.refresh(a.url), second.refresh(b.url)]);
      expect([onA.status, onB.status]).toEqual([200, 200]);
      // The browser keeps whichever Set-Cookie it processed last; either must carry the session on.
      const kept = round % 2 === 0 ? first : second;
      first.refreshCookie = kept.refreshCookie;
      first.accessToken = kept.accessToken;
    }
    expect((await first.refresh(b.url)).status).toBe(200);
    expect((await first.me(a.url)).status).toBe(200);
  });

  it('when the user logs out on B, then A refuses the access token within 5 s', async () => {
    const { a, b } = pair;
    const tab = Agent.fresh('logout');
    await tab.register(a.url);
    // A has verified and cached this token, the case a per-instance cache could get wrong.
    expect((await tab.me(a.url)).status).toBe(200);

    const loggedOutAt = Date.now();
    expect((await tab.logout(b.url)).status).toBe(204);
    let answer = await tab.me(a.url);
    await waitFor(
      'A to refuse the token',
      async () => {
        answer = await tab.me(a.url);
        return answer.status === 401;
      },
      5_000,
    );
    expect(Date.now() - loggedOutAt).toBeLessThan(5_000);
    expect(answer.code).toBe('session_revoked');
  });

  it('when a superseded refresh token is replayed on A after its successor was used on B, then the session ends on both (5.3.3)', async () => {
    const { a, b } = pair;
    const tab = Agent.fresh('theft');
    await tab.register(a.url);
    const stolen = tab.refreshCookie;
    expect((await tab.refresh(b.url)).status).toBe(200);
    expect((await tab.refresh(b.url)).status).toBe(200);

    const thief = new Agent(tab.email);
    thief.refreshCookie = stolen;
    const replay = await thief.refresh(a.url);
    expect(replay).toMatchObject({ status: 401, code: 'refresh_reused' });

    // The rightful tab's current cookie is dead too, on either instance, and so are its access tokens.
    const rightful = await tab.refresh(b.url);
    expect(rightful.status).toBe(401);
    expect(['session_revoked', 'refresh_reused']).toContain(rightful.code);
    await waitFor(
      'both instances to refuse the access token',
      async () => {
        const [onA, onB] = await Promise.all([tab.me(a.url), tab.me(b.url)]);
        return onA.status === 401 && onB.status === 401;
      },
      5_000,
    );
  });
});

describe('when the limits are counted across instances', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair({ LOGIN_MAX_FAILURES: '5', AUTH_RATE_LIMIT: '40' });
  });
  afterAll(async () => {
    await pair?.stop();
  });

  it('when five logins fail across A and B, then the sixth attempt is refused whichever instance gets it', async () => {
    const { a, b } = pair;
    const tab = Agent.fresh('failures');
    expect((await tab.register(a.url)).status).toBe(201);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const answer = await tab.login(attempt % 2 === 0 ? a.url : b.url, 'not-the-password-at-all');
      expect(answer).toMatchObject({ status: 401, code: 'invalid_credentials' });
    }
    // The right password now: the limit holds on both instances.
    expect(await tab.login(b.url)).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(await tab.login(a.url)).toMatchObject({ status: 429, code: 'rate_limited' });
  });

  it('when /auth/* requests alternate between A and B, then the per-IP limit counts them together', async () => {
    const { a, b } = pair;
    // The previous test spent some of this window's 40; count from what the API says is left.
    const probe = await fetch(`${a.url}/auth/refresh`, { method: 'POST', headers: { 'X-Requested-With': 'XMLHttpRequest' } });
    await probe.body?.cancel();
    // RateLimit (draft-8): `"policy";r=<remaining>;t=<seconds>`.
    const remaining = Number(/;\s*r=(\d+)/.exec(probe.headers.get('ratelimit') ?? '')?.[1]);
    expect(remaining).toBeGreaterThan(2);
    const statuses: number[] = [];
    for (let i = 0; i < remaining; i += 1) {
      const response = await fetch(`${i % 2 === 0 ? b.url : a.url}/auth/refresh`, {
        method: 'POST',
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      });
      await response.body?.cancel();
      statuses.push(response.status);
    }
    expect(statuses.every((status) => status === 401)).toBe(true);
    for (const instance of [a, b]) {
      const over = await fetch(`${instance.url}/auth/refresh`, { method: 'POST', headers: { 'X-Requested-With': 'XMLHttpRequest' } });
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
      await over.body?.cancel();
    }
  });
});

describe('when both instances start at once on an empty database', () => {
  it('then the schema is migrated once, without an error, and both serve the same data', async () => {
    const pair = await startPair({ LOG_LEVEL: 'info' });
    try {
      const { a, b, databaseUrl } = pair;
      const logs = [...a.logs, ...b.logs];
      expect(logs.filter((line) => line.msg === 'database migrated')).toHaveLength(1);
      expect(logs.filter((line) => Number(line.level) >= 50)).toEqual([]);

      const migrations = readdirSync(path.join(REPO_ROOT, 'apps/api/src/adapters/postgres/migrations')).filter((f) => f.endsWith('.sql'));
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
      await client.end();
      expect(rows.map((row) => row.name)).toEqual(migrations.sort());

      const tab = Agent.fresh('migrated');
      expect((await tab.register(a.url)).status).toBe(201);
      expect((await tab.login(b.url)).status).toBe(200);
    } finally {
      await pair.stop();
    }
  });
});
