import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Database } from '../src/adapters/postgres/database.ts';
import { createPostgresStorage } from '../src/adapters/postgres/index.ts';
import type { Storage } from '../src/app.ts';
import { createRefreshToken } from '../src/auth/refresh-tokens.ts';
import type { SessionStore } from '../src/auth/session-store.ts';
import { createManualClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createRetentionJob, type Schedule } from '../src/retention.ts';
import { realBackends, uniqueEmail } from './support.ts';

// Sessions here live in 2001, long before any other test's, so a cut-off in 2001 can only ever
// reach this file's rows even on the PostgreSQL database the whole run shares.
const backends = await realBackends();

const T0 = Date.UTC(2001, 0, 1);
const DAY = 86_400_000;
const at = (ms: number) => new Date(T0 + ms);
const silent = createLogger('silent');
const sessionsTask = (storage: Storage, retentionMs: number) => ({
  name: 'ended sessions',
  retentionMs,
  deleteBefore: (cutoff: Date, limit: number) => storage.sessions.deleteEndedSessions(cutoff, limit),
});

async function newUser(storage: Storage) {
  const user = await storage.users.createUser({
    id: randomUUID(),
    email: uniqueEmail('retention'),
    name: 'R',
    role: 'user',
    passwordHash: 'h',
    now: at(0),
  });
  if (!user) throw new Error('no user');
  return user;
}

/** A session created at T0 with the given ends, optionally revoked; returns its id. */
async function newSession(storage: Storage, userId: string, ends: { idle: number; absolute: number; revokedAt?: number }) {
  const id = randomUUID();
  await storage.sessions.createSession({
    id,
    userId,
    now: at(0),
    idleExpiresAt: at(ends.idle),
    absoluteExpiresAt: at(ends.absolute),
    userAgent: null,
    token: createRefreshToken(),
    verifiedPasswordHash: 'h',
    amr: ['pwd'],
  });
  if (ends.revokedAt !== undefined) await storage.sessions.revokeSession(id, 'logout', at(ends.revokedAt));
  return id;
}

async function countOf(db: Database, ids: string[]) {
  const sessions = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE id = ANY($1::uuid[])', [ids]);
  const tokens = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens WHERE session_id = ANY($1::uuid[])', [ids]);
  return { sessions: sessions.rows[0]?.n, tokens: tokens.rows[0]?.n };
}

describe.each(backends)('deleting ended sessions on %s', (_name, open) => {
  it('when sessions ended before the cut-off, then they and their tokens go in batches, and live or recently ended ones stay', async () => {
    const db = await open();
    const store = createPostgresStorage(db);
    const user = await newUser(store);
    const ended = [
      await newSession(store, user.id, { idle: DAY, absolute: 30 * DAY }), // idle end
      await newSession(store, user.id, { idle: 2 * DAY, absolute: 2 * DAY }), // absolute end
      await newSession(store, user.id, { idle: 7 * DAY, absolute: 30 * DAY, revokedAt: DAY }), // revoked
    ];
    const kept = [
      await newSession(store, user.id, { idle: 400 * DAY, absolute: 400 * DAY }), // live
      await newSession(store, user.id, { idle: 40 * DAY, absolute: 40 * DAY, revokedAt: 20 * DAY }), // revoked after the cut-off
      await newSession(store, user.id, { idle: 20 * DAY, absolute: 30 * DAY }), // idle end after the cut-off
    ];
    const cutoff = at(10 * DAY);
    expect(await store.sessions.deleteEndedSessions(cutoff, 2)).toBe(2);
    expect(await store.sessions.deleteEndedSessions(cutoff, 2)).toBe(1);
    expect(await store.sessions.deleteEndedSessions(cutoff, 2)).toBe(0);
    expect(await countOf(db, ended)).toEqual({ sessions: 0, tokens: 0 });
    expect(await countOf(db, kept)).toEqual({ sessions: 3, tokens: 3 });
  });

  it('when two instances run the job at once, then together they delete every ended session exactly once and neither fails', async () => {
    const db = await open();
    const store = createPostgresStorage(db);
    const user = await newUser(store);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++)
      ids.push(await newSession(store, user.id, { idle: DAY, absolute: DAY, revokedAt: i % 2 ? DAY / 2 : undefined }));
    const live = await newSession(store, user.id, { idle: 400 * DAY, absolute: 400 * DAY });
    const clock = createManualClock(T0 + 40 * DAY);
    const job = () => createRetentionJob({ tasks: [sessionsTask(store, 30 * DAY)], clock, logger: silent, batchSize: 7 });
    const [a, b] = await Promise.all([job().runOnce(), job().runOnce()]);
    expect(a + b).toBe(60);
    expect(await countOf(db, ids)).toEqual({ sessions: 0, tokens: 0 });
    expect(await countOf(db, [live])).toEqual({ sessions: 1, tokens: 1 });
    // Idempotent: a run after the others finds nothing.
    expect(await job().runOnce()).toBe(0);
  });

  it('when the retention has not passed since a session ended, then the job keeps it', async () => {
    const db = await open();
    const store = createPostgresStorage(db);
    const user = await newUser(store);
    const id = await newSession(store, user.id, { idle: DAY, absolute: DAY });
    const clock = createManualClock(T0 + DAY + 30 * DAY - 1);
    const job = createRetentionJob({ tasks: [sessionsTask(store, 30 * DAY)], clock, logger: silent });
    expect(await job.runOnce()).toBe(0);
    clock.advance(2);
    expect(await job.runOnce()).toBe(1);
    expect(await countOf(db, [id])).toEqual({ sessions: 0, tokens: 0 });
  });
});

describe('the retention schedule', () => {
  const HOUR = 3_600_000;
  // Every step of a run is a microtask (the store here answers at once), so one macrotask turn
  // lets a run finish and schedule the next.
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  function stepped(deleteEndedSessions: SessionStore['deleteEndedSessions'], randoms: number[]) {
    const pending: { run: () => void; delayMs: number; isCancelled: boolean }[] = [];
    const schedule: Schedule = (run, delayMs) => {
      const entry = { run, delayMs, isCancelled: false };
      pending.push(entry);
      return {
        cancel: () => {
          entry.isCancelled = true;
        },
      };
    };
    const job = createRetentionJob({
      tasks: [{ name: 'ended sessions', retentionMs: DAY, deleteBefore: deleteEndedSessions }],
      clock: createManualClock(T0),
      logger: silent,
      intervalMs: HOUR,
      random: () => randoms.shift() ?? 0.5,
      schedule,
    });
    const runLast = async () => {
      pending.at(-1)?.run();
      await settle();
    };
    return { job, pending, runLast };
  }

  it('when started, then the first run comes within one interval and each next one between half and one and a half intervals', async () => {
    const cutoffs: Date[] = [];
    const { job, pending, runLast } = stepped(
      async (endedBefore) => {
        cutoffs.push(endedBefore);
        return 0;
      },
      [0.25, 0, 0.999],
    );
    job.start();
    job.start();
    expect(pending.map((p) => p.delayMs)).toEqual([0.25 * HOUR]);
    await runLast();
    await runLast();
    expect(pending.map((p) => p.delayMs)).toEqual([0.25 * HOUR, 0.5 * HOUR, 1.499 * HOUR]);
    expect(cutoffs).toEqual([at(-DAY), at(-DAY)]);
    await job.stop();
    expect(pending.at(-1)?.isCancelled).toBe(true);
  });

  it('when a run fails, then the error is logged and the next run is still scheduled', async () => {
    const { job, pending, runLast } = stepped(async () => {
      throw new Error('database down');
    }, [0, 0]);
    job.start();
    await runLast();
    expect(pending).toHaveLength(2);
    await job.stop();
  });

  it('when stopped during a run, then stop waits for it and nothing more is scheduled', async () => {
    let finish: (n: number) => void = () => {};
    const { job, pending } = stepped(
      () =>
        new Promise<number>((resolve) => {
          finish = resolve;
        }),
      [0],
    );
    job.start();
    pending[0]?.run();
    let isStopped = false;
    const stopping = job.stop().then(() => {
      isStopped = true;
    });
    await settle();
    expect(isStopped).toBe(false);
    finish(0);
    await stopping;
    expect(pending).toHaveLength(1);
  });
});

describe('SESSION_RETENTION', () => {
  const base = { NODE_ENV: 'test', DATA_DIR: 'memory://' };

  it('when unset, then ended sessions are kept 30 days; when set, then the duration is used', () => {
    expect(loadConfig(base).sessionRetentionMs).toBe(30 * DAY);
    expect(loadConfig({ ...base, SESSION_RETENTION: '12h' }).sessionRetentionMs).toBe(12 * 3_600_000);
  });

  it('when it is not a positive duration, then start-up fails naming the variable', () => {
    for (const bad of ['soon', '0', '-5m']) expect(() => loadConfig({ ...base, SESSION_RETENTION: bad })).toThrow(/SESSION_RETENTION/);
  });
});
