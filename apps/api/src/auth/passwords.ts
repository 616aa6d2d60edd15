import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ServiceBusyError } from '../errors.ts';

// argon2id with 12 MiB, 3 iterations, 1 lane: one of the five settings OWASP lists as giving the same
// defence (19 MiB with 2 iterations is another), and here the fastest: about 6.5 ms a hash against
// 12.5 ms, since 12 MiB stays in the CPU's cache (docs/performance.md). Hashes stored with another
// setting carry it in their PHC string and keep verifying. 2 is Algorithm.Argon2id, a const enum
// that erasable-syntax TypeScript cannot import.
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 12_288, timeCost: 3, parallelism: 1 } as const;

export type Passwords = {
  hashPassword(password: string): Promise<string>;
  /** With no stored hash (unknown email), checks against a dummy hash so both cases cost the same. */
  verifyPassword(storedHash: string | null, password: string): Promise<boolean>;
};

/** A message to a password thread: hash `password`, or verify it against `storedHash`. */
export type PasswordJob = { password: string; storedHash?: string };
export type PasswordResult = { value: string | boolean } | { failed: true };

type Pending = { resolve(result: PasswordResult): void; reject(error: Error): void };
type Thread = { worker: Worker; pending: Pending[] };

// Hashing runs on threads of its own, at a lower priority than the event loop (password-worker.ts).
// With 2 cores and 20 logins at once, hashing on libuv's 4 threads at full priority kept the event
// loop waiting 21-29 ms at p99; these threads keep it at 14-16 ms for about the same logins per
// second (docs/performance.md). One per core, and at most 4, as many as libuv's pool has.
const THREADS = Math.min(availableParallelism(), 4);
// Each thread holds the next job already, so it never waits for the event loop between two hashes.
const JOBS_PER_THREAD = 2;

/** The process's password threads, started on first use and shared like libuv's own pool. */
let pool: ((job: PasswordJob) => Promise<PasswordResult>) | undefined;

function createPool(): (job: PasswordJob) => Promise<PasswordResult> {
  const threads: Thread[] = [];
  const queue: { job: PasswordJob; pending: Pending }[] = [];
  const start = (): Thread => {
    const thread: Thread = { worker: new Worker(new URL('./password-worker.ts', import.meta.url)), pending: [] };
    // Idle threads must not keep the process alive; busy ones must.
    thread.worker.unref();
    thread.worker.on('message', (result: PasswordResult) => {
      thread.pending.shift()?.resolve(result);
      if (thread.pending.length === 0) thread.worker.unref();
      dispatch();
    });
    // A thread that dies fails its jobs instead of leaving them hanging, and is replaced on demand.
    const fail = (error: Error) => {
      const index = threads.indexOf(thread);
      if (index >= 0) threads.splice(index, 1);
      for (const pending of thread.pending.splice(0)) pending.reject(error);
      dispatch();
    };
    thread.worker.on('error', fail);
    thread.worker.on('exit', (code) => fail(new Error(`password thread exited with code ${code}`)));
    threads.push(thread);
    return thread;
  };
  const dispatch = () => {
    while (queue.length > 0) {
      while (threads.length < THREADS) start();
      const thread = threads.reduce((a, b) => (b.pending.length < a.pending.length ? b : a));
      if (thread.pending.length >= JOBS_PER_THREAD) return;
      const next = queue.shift() as (typeof queue)[number];
      thread.pending.push(next.pending);
      thread.worker.ref();
      thread.worker.postMessage(next.job);
    }
  };
  return (job) =>
    new Promise((resolve, reject) => {
      queue.push({ job, pending: { resolve, reject } });
      dispatch();
    });
}

const run = (job: PasswordJob) => {
  pool ??= createPool();
  return pool(job);
};

/**
 * Thrown instead of queueing a check when `maxPending` checks are already waiting or running: the
 * API answers 503 with Retry-After, so a flood of password checks costs its senders a refusal, not
 * everyone else's sign-in a long wait behind it.
 */
export class PasswordChecksBusyError extends ServiceBusyError {
  override name = 'PasswordChecksBusyError';
  constructor() {
    super('Too many password checks are waiting', 'Too many sign-ins are being checked; try again in a second', 1);
  }
}

// Sixteen per thread: with argon2id at 6-12 ms a hash on this machine's cores, the last one in line
// waits a tenth to a fifth of a second; past that, refusing at once is kinder than making it wait.
const DEFAULT_MAX_PENDING = THREADS * 16;

/**
 * Passwords are NFKC-normalised before hashing and checking (NIST SP 800-63B 5.1.1.2), so the same
 * password typed as composed or decomposed characters, or with compatibility forms, is one password.
 * A hash made before normalisation was introduced still verifies when its password was already in
 * NFKC form, which every ASCII password is.
 */
export function createPasswords(options: { maxPending?: number } = {}): Passwords {
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  let pending = 0;
  const runBounded = async (job: PasswordJob) => {
    if (pending >= maxPending) throw new PasswordChecksBusyError();
    pending += 1;
    try {
      return await run({ ...job, password: job.password.normalize('NFKC') });
    } finally {
      pending -= 1;
    }
  };
  const hashPassword = async (password: string) => {
    const result = await runBounded({ password });
    if ('failed' in result || typeof result.value !== 'string') throw new Error('password hashing failed');
    return result.value;
  };
  const verify = async (storedHash: string, password: string) => {
    const result = await runBounded({ password, storedHash });
    return !('failed' in result) && result.value === true;
  };
  let dummyHash: Promise<string> | undefined;
  return {
    hashPassword,
    async verifyPassword(storedHash, password) {
      if (storedHash === null) {
        dummyHash ??= hashPassword(randomBytes(32).toString('base64url')).catch((error: unknown) => {
          dummyHash = undefined;
          throw error;
        });
        // A full queue refuses an unknown email exactly as it refuses a known one.
        await verify(await dummyHash, password).catch((error: unknown) => {
          if (error instanceof PasswordChecksBusyError) throw error;
          return false;
        });
        return false;
      }
      return verify(storedHash, password);
    },
  };
}
