import type { Logger } from 'pino';

/**
 * Work a request starts but does not wait for (what an account event sets off, the lookup and mail
 * of a password reset), so its answer and its timing never depend on that work. A failure is
 * logged; `settled` lets shutdown and tests wait for what is running.
 */
export type BackgroundWork = {
  run(label: string, task: () => void | Promise<void>): void;
  /** Resolves when every task started so far, and every task they started, has finished. */
  settled(): Promise<void>;
};

export function createBackgroundWork(logger: Pick<Logger, 'warn'>): BackgroundWork {
  const running = new Set<Promise<void>>();
  return {
    run(label, task) {
      const done: Promise<void> = Promise.resolve()
        .then(task)
        .catch((err: unknown) => logger.warn({ err, task: label }, 'background work failed'))
        .finally(() => running.delete(done));
      running.add(done);
    },
    async settled() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
