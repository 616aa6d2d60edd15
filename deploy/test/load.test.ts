// Load: 100 simulated users for 60 s through nginx over two API instances (one PostgreSQL
// database, one Redis). Correctness only: no 5xx, no unexpected 401, every session alive afterwards.
// The throughput and latency are printed for docs/deployment.md, never asserted: timing goals live
// in the benchmarks (npm run bench), where the machine is not also running the whole topology.

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Agent } from './support/agent.ts';
import {
  checkSessionChains,
  createEmptyWebRoot,
  LOAD_API_ENV,
  refreshEveryone,
  registerAgents,
  startLoad,
  summarize,
} from './support/load.ts';
import { startNginx } from './support/nginx.ts';
import { type ApiProcess, createThrowawayDatabase, generateSigningKeyPem, startApi, startRedis } from './support/processes.ts';

const USERS = 100;
const DURATION_MS = 60_000;

let stops: (() => Promise<unknown>)[] = [];
let databaseUrl: string;
let instances: ApiProcess[];
let origin: string;

beforeAll(async () => {
  const [database, redis] = await Promise.all([createThrowawayDatabase(), startRedis()]);
  stops.push(
    () => database.drop(),
    () => redis.stop(),
  );
  databaseUrl = database.url;
  const env = { ...LOAD_API_ENV, DATABASE_URL: database.url, REDIS_URL: redis.url, JWT_PRIVATE_KEY: generateSigningKeyPem() };
  // One after the other: both running the migration at the same moment is not what is under test.
  const a = await startApi({ name: 'api-a', env });
  stops.unshift(() => a.stop());
  const b = await startApi({ name: 'api-b', env });
  stops.unshift(() => b.stop());
  instances = [a, b];
  const webRoot = createEmptyWebRoot();
  const nginx = await startNginx({ apiOrigins: [a.url, b.url], webRoot });
  stops.unshift(
    () => nginx.stop(),
    async () => rmSync(webRoot, { recursive: true, force: true }),
  );
  origin = nginx.url;
});

afterAll(async () => {
  for (const stop of stops) await stop().catch(() => undefined);
  stops = [];
});

it('when 100 users browse, refresh, log out and in again for 60 s through nginx, then no request fails and every session lives on', async () => {
  const agents: Agent[] = await registerAgents(origin, USERS);
  const run = startLoad({ agents, target: origin, durationMs: DURATION_MS });
  const result = await run.done;
  const summary = summarize(result);
  console.log(
    JSON.stringify({
      test: 'load',
      users: USERS,
      seconds: Math.round(result.durationMs / 1000),
      requests: summary.requests,
      throughputPerSecond: summary.throughputPerSecond,
      p50Ms: summary.p50Ms,
      p99Ms: summary.p99Ms,
      maxMs: summary.maxMs,
      refreshes: summary.refreshes,
      logins: summary.logins,
      logouts: summary.logouts,
      expiredTokens: summary.expiredTokens,
      serverErrors: summary.serverErrors,
      networkErrors: summary.networkErrors,
      unexpected401: summary.unexpected401,
    }),
  );

  expect(summary.byStatus).not.toHaveProperty('500');
  expect(summary.serverErrors).toBe(0);
  expect(summary.networkErrors).toBe(0);
  expect(summary.unexpected401).toBe(0);
  expect(summary.unexpectedOther).toBe(0);
  expect(summary.lostSessions).toBe(0);
  // The mix did happen: refreshes and relogins, not only /api/me.
  expect(summary.refreshes).toBeGreaterThan(USERS * 5);
  expect(summary.logouts).toBeGreaterThan(0);
  expect(instances.every((api) => api.isRunning())).toBe(true);

  expect(await refreshEveryone(origin, agents)).toEqual([]);
  const sessions = await checkSessionChains(databaseUrl, agents);
  expect(sessions.problems).toEqual([]);
  expect(sessions.reusedRevocations).toBe(0);
});
