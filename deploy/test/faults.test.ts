// Faults: what a user sees, and what is kept, when PostgreSQL stops, when Redis stops and
// when one API instance is killed, each under load through nginx over two API instances.
//
// The loads here are shorter than load.test.ts's 60 s (25 to 30 s, the fault in the middle) to keep
// CI time reasonable: a fault needs a few seconds of load before it, its own duration, and enough
// after it to show the recovery. Each test prints a one-line JSON summary and a per-second timeline
// for docs/deployment.md (What the tests prove).

import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from './support/agent.ts';
import {
  checkSessionChains,
  createEmptyWebRoot,
  failureWindow,
  isFailure,
  LOAD_API_ENV,
  type LoadRun,
  refreshEveryone,
  registerAgents,
  startLoad,
  summarize,
  timeline,
  timeUntilEveryUserServed,
} from './support/load.ts';
import { startNginx } from './support/nginx.ts';
import {
  type ApiProcess,
  createThrowawayDatabase,
  generateSigningKeyPem,
  type RedisServer,
  startApi,
  startPostgresCluster,
  startRedis,
  waitFor,
} from './support/processes.ts';

const USERS = 100;
/** nginx's own 503 (no instance answered: its 502 and 504), told apart from the API's 503 by its detail. */
const NGINX_DETAIL = 'No API instance is answering';

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  cleanups = [];
});

type Topology = { a: ApiProcess; b: ApiProcess; origin: string; redis: RedisServer };

/** Own Redis, two API instances on `databaseUrl`, nginx in front; torn down after the test. */
async function startTopology(databaseUrl: string, env: Record<string, string> = {}): Promise<Topology> {
  const redis = await startRedis();
  cleanups.unshift(() => redis.stop());
  const shared = { ...LOAD_API_ENV, DATABASE_URL: databaseUrl, REDIS_URL: redis.url, JWT_PRIVATE_KEY: generateSigningKeyPem(), ...env };
  const a = await startApi({ name: 'api-a', env: shared });
  cleanups.unshift(() => a.stop());
  const b = await startApi({ name: 'api-b', env: shared });
  cleanups.unshift(() => b.stop());
  const webRoot = createEmptyWebRoot();
  cleanups.unshift(async () => rmSync(webRoot, { recursive: true, force: true }));
  const nginx = await startNginx({ apiOrigins: [a.url, b.url], webRoot });
  cleanups.unshift(() => nginx.stop());
  return { a, b, origin: nginx.url, redis };
}

async function throwawayDatabaseUrl(): Promise<string> {
  const database = await createThrowawayDatabase();
  cleanups.push(() => database.drop());
  return database.url;
}

const sleepUntil = async (run: LoadRun, at: number) => sleep(Math.max(0, at - run.now()));

async function readyz(api: ApiProcess): Promise<{ status: number; code: string | undefined }> {
  try {
    const response = await fetch(`${api.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
    const body = (await response.json().catch(() => undefined)) as { code?: string } | undefined;
    return { status: response.status, code: body?.code };
  } catch {
    return { status: 0, code: undefined };
  }
}

function report(name: string, figures: Record<string, unknown>, lines: string[]): void {
  console.log(JSON.stringify({ test: name, ...figures }));
  console.log(lines.join('\n'));
}

describe('when PostgreSQL stops for 10 s under load', () => {
  it('then requests get 503 service_unavailable, /readyz says 503, no process exits, and within 5 s of its return everything works with no session lost', async () => {
    const cluster = await startPostgresCluster();
    cleanups.push(() => cluster.destroy());
    // The throwaway cluster runs with synchronous_commit=off for speed; a production server does not.
    // With it off, `pg_ctl -m immediate` loses the last commits the API was told had succeeded: a
    // rotation whose new cookie the user already holds would vanish, which no server setting used in
    // production does. This database gets the production setting.
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('ALTER DATABASE postgres SET synchronous_commit = on');
    await admin.end();
    // A refresh that commits as PostgreSQL goes down and whose answer is lost can only be retried once
    // it is back: 10 s later. Requirement 5.3.2 keeps that session only within REFRESH_REUSE_GRACE, so
    // the grace must outlast the outage (docs/deployment.md: with the default 10 s such a retry is theft).
    const { a, b, origin } = await startTopology(cluster.url, { REFRESH_REUSE_GRACE: '30s' });
    const agents = await registerAgents(origin, USERS);

    const run = startLoad({ agents, target: origin, durationMs: 30_000 });
    cleanups.unshift(() => run.stop());
    await sleepUntil(run, 8_000);
    const stoppingAt = run.mark('stopping PostgreSQL');
    await cluster.stop();
    const stoppedAt = run.mark('PostgreSQL stopped');
    const readyDuringOutage: { at: number; a: number; b: number; codes: (string | undefined)[] }[] = [];
    while (run.now() < stoppedAt + 10_000) {
      const [fromA, fromB] = await Promise.all([readyz(a), readyz(b)]);
      readyDuringOutage.push({ at: run.now(), a: fromA.status, b: fromB.status, codes: [fromA.code, fromB.code] });
      await sleep(250);
    }
    const startingAt = run.mark('starting PostgreSQL');
    await cluster.start();
    const restartedAt = run.mark('PostgreSQL accepting connections');
    // Polled rather than waited for, so that a slow or hanging /readyz shows in the report.
    const readyAfterRestart: { at: number; a: number; b: number; ms: number }[] = [];
    for (;;) {
      const sentAt = run.now();
      const [fromA, fromB] = await Promise.all([readyz(a), readyz(b)]);
      readyAfterRestart.push({
        at: Math.round(sentAt - restartedAt),
        a: fromA.status,
        b: fromB.status,
        ms: Math.round(run.now() - sentAt),
      });
      if ((fromA.status === 200 && fromB.status === 200) || run.now() > restartedAt + 10_000) break;
      await sleep(100);
    }
    const readyAgainAt = run.mark('/readyz 200 on both');
    const result = await run.done;

    const summary = summarize(result);
    const failures = failureWindow(result.samples);
    const duringOutage = result.samples.filter((s) => s.startedAt >= stoppedAt && s.startedAt < startingAt);
    const outageLatencies = duringOutage.map((s) => s.endedAt - s.startedAt);
    const everyoneServedAfterMs = timeUntilEveryUserServed(result, restartedAt);
    report(
      'postgres-outage',
      {
        requests: summary.requests,
        outageMs: Math.round(restartedAt - stoppingAt),
        status503: summary.byStatus['503'] ?? 0,
        first503AfterStopMs: failures && Math.round(failures.firstStartedAt - stoppingAt),
        last503AnsweredAfterRestartMs: failures && Math.round(failures.lastEndedAt - restartedAt),
        everyoneServedAfterRestartMs: Math.round(everyoneServedAfterMs),
        readyzAfterRestartMs: Math.round(readyAgainAt - restartedAt),
        readyzPollsAfterRestart: readyAfterRestart,
        slowestAnswerDuringOutageMs: Math.round(Math.max(0, ...outageLatencies)),
        okDuringOutage: duringOutage.filter((s) => s.outcome === 'ok').length,
        unexpected401: summary.unexpected401,
        byStatus: summary.byStatus,
      },
      timeline(result),
    );

    // What the user sees: 503 service_unavailable while the database is away, never a 500 or a hang.
    expect(summary.byStatus).not.toHaveProperty('500');
    const failed = result.samples.filter(isFailure);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((s) => s.status === 503 && s.code === 'service_unavailable' && s.detail !== NGINX_DETAIL)).toBe(true);
    // Nothing failed before the stop: the first failures are requests in flight at that moment.
    expect(Math.min(...failed.map((s) => s.endedAt))).toBeGreaterThanOrEqual(stoppingAt);
    expect(Math.max(...outageLatencies)).toBeLessThan(6_000);
    // /readyz: 503 service_unavailable on both instances for as long as the database is away.
    expect(readyDuringOutage.length).toBeGreaterThan(10);
    expect(readyDuringOutage.filter((r) => r.a !== 503 || r.b !== 503)).toEqual([]);
    expect(readyDuringOutage.flatMap((r) => r.codes).every((code) => code === 'service_unavailable')).toBe(true);
    expect(a.isRunning() && b.isRunning()).toBe(true);
    expect(readyAgainAt - restartedAt).toBeLessThan(5_000);
    // Within 5 s of PostgreSQL's return every user is served again, and nothing fails after that.
    expect(failures?.lastEndedAt ?? 0).toBeLessThan(restartedAt + 5_000);
    expect(everyoneServedAfterMs).toBeLessThan(5_000);
    // No session lost: nobody was logged out by the outage, every session refreshes afterwards and
    // still has one chain of refresh tokens.
    expect(summary.unexpected401).toBe(0);
    expect(summary.unexpectedOther).toBe(0);
    expect(summary.lostSessions).toBe(0);
    expect(await refreshEveryone(origin, agents)).toEqual([]);
    const sessions = await checkSessionChains(cluster.url, agents);
    console.log(JSON.stringify({ test: 'postgres-outage', graceSiblings: sessions.graceSiblings }));
    expect(sessions.problems).toEqual([]);
    expect(sessions.reusedRevocations).toBe(0);
  });
});

describe('when Redis stops', () => {
  const REDIS_DOWN = 'Redis unavailable';
  const REDIS_BACK = 'Redis is back';
  const hasLogged = (api: ApiProcess, text: string) => api.logs.some((line) => String(line.msg).startsWith(text));

  /**
   * Wrong passwords for one fresh email, alternating between the two instances, until one is
   * refused: the number of 401s before the first 429 (capped), then whether both instances refuse.
   */
  async function failuresUntilRefused(a: ApiProcess, b: ApiProcess): Promise<{ failures: number; refusedBy: number[] }> {
    const tab = Agent.fresh('limit');
    let failures = 0;
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const answer = await tab.login((attempt % 2 === 0 ? a : b).url, 'wrong-password-here');
      if (answer.status === 429) break;
      expect(answer.code).toBe('invalid_credentials');
      failures += 1;
    }
    const refusedBy = [(await tab.login(a.url, 'wrong-password-here')).status, (await tab.login(b.url, 'wrong-password-here')).status];
    return { failures, refusedBy };
  }

  it('then the API keeps serving with per-instance limits and says so in its logs, and shares limits again once Redis is back', async () => {
    // LOG_LEVEL info: the Redis messages are the point. Fewer users: every request is a log line here.
    const { a, b, origin, redis } = await startTopology(await throwawayDatabaseUrl(), { LOG_LEVEL: 'info', LOGIN_MAX_FAILURES: '5' });
    const agents = await registerAgents(origin, 30);
    const run = startLoad({ agents, target: origin, durationMs: 25_000 });
    cleanups.unshift(() => run.stop());

    // Redis up: five failures spread over both instances, and the sixth is refused by either.
    const shared = await failuresUntilRefused(a, b);
    expect(shared).toEqual({ failures: 5, refusedBy: [429, 429] });

    await sleepUntil(run, 4_000);
    const stoppedAt = run.mark('Redis stopped');
    await redis.stop();
    await waitFor('both instances to log that Redis is down', () => hasLogged(a, REDIS_DOWN) && hasLogged(b, REDIS_DOWN), 10_000);
    const downLoggedAt = run.mark('both logged "Redis unavailable"');
    // Redis down: each instance counts alone, so ten failures pass (five on each) before a refusal.
    const alone = await failuresUntilRefused(a, b);
    expect(alone).toEqual({ failures: 10, refusedBy: [429, 429] });

    await sleepUntil(run, 12_000);
    const restartingAt = run.mark('Redis started');
    await redis.start();
    await waitFor('both instances to log that Redis is back', () => hasLogged(a, REDIS_BACK) && hasLogged(b, REDIS_BACK), 10_000);
    const backLoggedAt = run.mark('both logged "Redis is back"');
    const sharedAgain = await failuresUntilRefused(a, b);
    expect(sharedAgain).toEqual({ failures: 5, refusedBy: [429, 429] });
    const result = await run.done;

    const summary = summarize(result);
    const redisLines = [a, b].flatMap((api) =>
      api.logs
        .filter((line) => /Redis/.test(String(line.msg)))
        .map((line) => ({ instance: api.name, level: line.level, msg: line.msg, connection: line.connection })),
    );
    report(
      'redis-outage',
      {
        requests: summary.requests,
        downLoggedAfterMs: Math.round(downLoggedAt - stoppedAt),
        backLoggedAfterMs: Math.round(backLoggedAt - restartingAt),
        failuresBeforeRefusal: { redisUp: shared.failures, redisDown: alone.failures, redisBack: sharedAgain.failures },
        serverErrors: summary.serverErrors,
        unexpected401: summary.unexpected401,
        byStatus: summary.byStatus,
        redisLines,
      },
      timeline(result),
    );

    // The users saw nothing of it.
    expect(summary.serverErrors).toBe(0);
    expect(summary.networkErrors).toBe(0);
    expect(summary.unexpected401).toBe(0);
    expect(summary.unexpectedOther).toBe(0);
    expect(summary.lostSessions).toBe(0);
    expect(a.isRunning() && b.isRunning()).toBe(true);
    expect(await refreshEveryone(origin, agents)).toEqual([]);
  });
});

describe('when one API instance is killed with SIGKILL under load', () => {
  it('then the other keeps serving, the failures are confined to the moment of the kill, and no session is lost or forked', async () => {
    const databaseUrl = await throwawayDatabaseUrl();
    const { a, b, origin } = await startTopology(databaseUrl);
    const agents = await registerAgents(origin, USERS);

    const run = startLoad({ agents, target: origin, durationMs: 25_000 });
    cleanups.unshift(() => run.stop());
    await sleepUntil(run, 10_000);
    const killedAt = run.mark('SIGKILL api-a');
    await a.kill();
    run.mark('api-a exited');
    const result = await run.done;

    const summary = summarize(result);
    const failures = failureWindow(result.samples);
    const failed = result.samples.filter(isFailure);
    const after = summarize(result, killedAt + 1_000);
    const refreshProblems = await refreshEveryone(origin, agents);
    const sessions = await checkSessionChains(databaseUrl, agents);
    report(
      'sigkill',
      {
        requests: summary.requests,
        failedAtKill: failed.length,
        failedByKind: Object.fromEntries(['me', 'refresh', 'login', 'logout'].map((k) => [k, failed.filter((s) => s.kind === k).length])),
        failuresFromNginx: failed.filter((s) => s.detail === NGINX_DETAIL).length,
        failuresSentFromMs: failures && Math.round(failures.firstStartedAt - killedAt),
        failuresSentUntilMs: failures && Math.round(failures.lastStartedAt - killedAt),
        failuresAnsweredUntilMs: failures && Math.round(failures.lastEndedAt - killedAt),
        throughputAfterKill: after.throughputPerSecond,
        graceSiblings: sessions.graceSiblings,
        unexpected401: summary.unexpected401,
        byStatus: summary.byStatus,
      },
      timeline(result),
    );

    expect(await a.exited).toBeNull();
    expect(b.isRunning()).toBe(true);
    // Only requests that were in flight on A when it died failed (nginx answers them 503); from then
    // on nginx sends everything to B.
    expect(failed.every((s) => s.status === 503 && s.detail === NGINX_DETAIL)).toBe(true);
    if (failures) {
      expect(failures.firstStartedAt).toBeGreaterThan(killedAt - 5_000);
      expect(failures.lastStartedAt).toBeLessThan(killedAt + 1_000);
    }
    expect(after.requests).toBeGreaterThan(0);
    expect(after.serverErrors + after.networkErrors).toBe(0);
    // No session lost or forked: a refresh that committed on A without its answer is retried with the
    // old cookie within the grace (requirement 5.3.2) and the session goes on.
    expect(summary.unexpected401).toBe(0);
    expect(summary.unexpectedOther).toBe(0);
    expect(summary.lostSessions).toBe(0);
    expect(refreshProblems).toEqual([]);
    expect(sessions.problems).toEqual([]);
    expect(sessions.reusedRevocations).toBe(0);
  });
});
