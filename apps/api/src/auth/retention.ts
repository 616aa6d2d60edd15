import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { SessionStore } from './session-store.ts';

export type ScheduledRun = { cancel(): void };
/** Runs `run` once after `delayMs`. A seam, so tests can step the schedule without waiting. */
export type Schedule = (run: () => void, delayMs: number) => ScheduledRun;

/** Unref'd: a pending clean-up never keeps the process alive. */
const nodeSchedule: Schedule = (run, delayMs) => {
  const timer = setTimeout(run, delayMs);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
};

export type RetentionJob = {
  /** Deletes every session that ended more than the retention ago, batch by batch; returns how many. */
  runOnce(): Promise<number>;
  start(): void;
  /** Cancels the next run and waits for the one in progress, if any. */
  stop(): Promise<void>;
};

export const RETENTION_INTERVAL_MS = 3_600_000;
const BATCH_SIZE = 500;

/**
 * Deletes ended sessions and, by cascade, their refresh tokens. Every instance runs it: the delete
 * is idempotent and skips rows another run holds, so two runs at once split the work. Intervals are
 * jittered (half to one and a half times the interval) so instances started together drift apart;
 * the first run comes within one interval of start, so instances that restart often still run it.
 */
export function createRetentionJob(deps: {
  sessions: Pick<SessionStore, 'deleteEndedSessions'>;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn'>;
  retentionMs: number;
  intervalMs?: number;
  batchSize?: number;
  random?: () => number;
  schedule?: Schedule;
}): RetentionJob {
  const { sessions, clock, logger, retentionMs } = deps;
  const intervalMs = deps.intervalMs ?? RETENTION_INTERVAL_MS;
  const batchSize = deps.batchSize ?? BATCH_SIZE;
  const random = deps.random ?? Math.random;
  const schedule = deps.schedule ?? nodeSchedule;
  let next: ScheduledRun | undefined;
  let running: Promise<unknown> | undefined;
  let isStopped = false;

  async function runOnce(): Promise<number> {
    const endedBefore = new Date(clock.now() - retentionMs);
    let total = 0;
    // Small batches keep each statement's locks and its WAL short.
    for (;;) {
      const deleted = await sessions.deleteEndedSessions(endedBefore, batchSize);
      total += deleted;
      if (deleted < batchSize) break;
    }
    if (total > 0) logger.info({ deleted: total, endedBefore }, 'ended sessions deleted');
    return total;
  }

  function tick(): void {
    running = runOnce()
      .catch((err: unknown) => logger.warn({ err }, 'deleting ended sessions failed; retrying at the next run'))
      .finally(() => {
        running = undefined;
        if (!isStopped) next = schedule(tick, intervalMs * (0.5 + random()));
      });
  }

  return {
    runOnce,
    start() {
      if (next || isStopped) return;
      next = schedule(tick, intervalMs * random());
    },
    async stop() {
      isStopped = true;
      next?.cancel();
      await running;
    },
  };
}
