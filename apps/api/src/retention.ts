import type { Logger } from 'pino';
import type { Clock } from './clock.ts';

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
  /** Runs every task once, batch by batch; returns how many rows went. */
  runOnce(): Promise<number>;
  start(): void;
  /** Cancels the next run and waits for the one in progress, if any. */
  stop(): Promise<void>;
};

export const RETENTION_INTERVAL_MS = 3_600_000;
const BATCH_SIZE = 500;

/**
 * One kind of row that is kept for a while and then deleted: `deleteBefore` deletes up to `limit`
 * rows older than the cut-off (now minus `retentionMs`) and says how many, skipping rows another
 * instance is deleting.
 */
export type RetentionTask = {
  name: string;
  retentionMs: number;
  deleteBefore(cutoff: Date, limit: number): Promise<number>;
};

/**
 * Deletes what has been kept long enough: ended sessions (and, by cascade, their refresh tokens),
 * expired email links, old security events. Every instance runs it: the deletes are idempotent and
 * skip rows another run holds, so two runs at once split the work. Intervals are jittered (half to
 * one and a half times the interval) so instances started together drift apart; the first run comes
 * within one interval of start, so instances that restart often still run it.
 */
export function createRetentionJob(deps: {
  tasks: RetentionTask[];
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn'>;
  intervalMs?: number;
  batchSize?: number;
  random?: () => number;
  schedule?: Schedule;
}): RetentionJob {
  const { tasks, clock, logger } = deps;
  const intervalMs = deps.intervalMs ?? RETENTION_INTERVAL_MS;
  const batchSize = deps.batchSize ?? BATCH_SIZE;
  const random = deps.random ?? Math.random;
  const schedule = deps.schedule ?? nodeSchedule;
  let next: ScheduledRun | undefined;
  let running: Promise<unknown> | undefined;
  let isStopped = false;

  async function runOnce(): Promise<number> {
    let total = 0;
    for (const task of tasks) {
      const cutoff = new Date(clock.now() - task.retentionMs);
      let deleted = 0;
      // Small batches keep each statement's locks and its WAL short.
      for (;;) {
        const batch = await task.deleteBefore(cutoff, batchSize);
        deleted += batch;
        if (batch < batchSize) break;
      }
      if (deleted > 0) logger.info({ task: task.name, deleted, cutoff }, 'old rows deleted');
      total += deleted;
    }
    return total;
  }

  function tick(): void {
    running = runOnce()
      .catch((err: unknown) => logger.warn({ err }, 'deleting old rows failed; retrying at the next run'))
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
