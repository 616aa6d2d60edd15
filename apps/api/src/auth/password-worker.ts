// One argon2id thread of the password pool (passwords.ts): hashes and verifies, one job at a time.
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { hashSync, verifySync } from '@node-rs/argon2';
import { ARGON2_OPTIONS, type PasswordJob, type PasswordResult } from './passwords.ts';

// Linux keeps a nice value per thread, so this lowers only this thread: when it and the event loop
// both want a core, the event loop gets it, and hashing takes whatever CPU is left. Elsewhere the
// call would lower the whole process, so it is left out there.
if (process.platform === 'linux') {
  try {
    setPriority(10);
  } catch {}
}

parentPort?.on('message', (job: PasswordJob) => {
  let result: PasswordResult;
  try {
    result =
      job.storedHash === undefined
        ? { value: hashSync(job.password, ARGON2_OPTIONS) }
        : { value: verifySync(job.storedHash, job.password) };
  } catch {
    result = { failed: true };
  }
  parentPort?.postMessage(result);
});
