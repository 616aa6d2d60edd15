import type { RunResult } from './scenarios.ts';

export type RunLog = {
  subscribe(listener: () => void): () => void;
  /** Newest first. */
  getRuns(): readonly RunResult[];
  add(run: RunResult): void;
  clear(): void;
};

/** The runs of this page load, newest first, kept in memory only. */
export function createRunLog(limit = 100): RunLog {
  let runs: readonly RunResult[] = [];
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getRuns: () => runs,
    add(run) {
      runs = [run, ...runs].slice(0, limit);
      notify();
    },
    clear() {
      runs = [];
      notify();
    },
  };
}
