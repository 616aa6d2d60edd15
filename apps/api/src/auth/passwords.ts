import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane. @node-rs/argon2 runs on libuv's
// thread pool, so hashing never blocks the event loop. 2 is Algorithm.Argon2id, a const enum
// that erasable-syntax TypeScript cannot import.
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export type Passwords = {
  hashPassword(password: string): Promise<string>;
  /** With no stored hash (unknown email), checks against a dummy hash so both cases cost the same. */
  verifyPassword(storedHash: string | null, password: string): Promise<boolean>;
};

export function createPasswords(): Passwords {
  let dummyHash: Promise<string> | undefined;
  return {
    hashPassword: (password) => hash(password, OPTIONS),
    async verifyPassword(storedHash, password) {
      if (storedHash === null) {
        dummyHash ??= hash(randomBytes(32).toString('base64url'), OPTIONS);
        await verify(await dummyHash, password).catch(() => false);
        return false;
      }
      try {
        return await verify(storedHash, password);
      } catch {
        return false;
      }
    },
  };
}
