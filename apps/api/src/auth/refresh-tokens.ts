import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NewRefreshToken } from '../store/store.ts';

/** Cookie value: `selector.verifier`, base64url of 16 and 32 random bytes. */
const SHAPE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export type IssuedRefreshToken = NewRefreshToken & { value: string };
export type PresentedRefreshToken = { selector: string; verifier: string };

/**
 * A refresh token is opaque random data, not a JWT: it carries nothing to read and can be revoked
 * by deleting state. 256 bits of verifier make guessing pointless; the selector only finds the row.
 */
export function createRefreshToken(): IssuedRefreshToken {
  const selector = randomBytes(16).toString('base64url');
  const verifier = randomBytes(32).toString('base64url');
  return { value: `${selector}.${verifier}`, selector, verifierHash: hashVerifier(verifier) };
}

export function parseRefreshToken(value: string | undefined): PresentedRefreshToken | null {
  const match = value ? SHAPE.exec(value) : null;
  return match ? { selector: match[1] as string, verifier: match[2] as string } : null;
}

/**
 * Only this hash is stored, so a database leak yields no usable token. A fast hash is right here:
 * the input has 256 random bits, so there is nothing for a slow hash to protect.
 */
function hashVerifier(verifier: string): string {
  return createHash('sha256').update(verifier).digest('hex');
}

/** Constant-time, so response timing says nothing about how much of a guess was right. */
export function verifyRefreshToken(presented: PresentedRefreshToken, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = Buffer.from(hashVerifier(presented.verifier), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
