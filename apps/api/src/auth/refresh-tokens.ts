import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NewRefreshToken } from './session-store.ts';

/** Cookie value: `selector.verifier`, base64url of 16 and 32 bytes. */
const SHAPE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
/** Base64url characters of the family at the front of a selector: exactly its first 12 bytes. */
const FAMILY_CHARS = 16;
const PROOF_BYTES = 16;

export type IssuedRefreshToken = NewRefreshToken & { value: string };
export type PresentedRefreshToken = { selector: string; verifier: string };

/**
 * A refresh token is opaque random data, not a JWT: it carries nothing to read and can be revoked
 * by deleting state. The selector finds the row; only a hash of the verifier is stored.
 *
 * Every token of one session shares a 16-byte secret proof at the front of its verifier (16 random
 * bytes per token follow) and a family at the front of its selector (4 random bytes follow). The
 * family is the first 12 bytes of SHA-256 of the proof. Rotation prunes old rows by family, and a
 * token whose row was pruned still proves, without any row, that it was issued to that family: so a
 * pruned token replayed by a thief ends the session, while a made-up token that merely copies a
 * selector (from a database leak, say) proves nothing and changes nothing.
 *
 * With a parent, the new token joins the parent's family. A parent issued before families existed
 * gets a proof derived from its own verifier, so that every retry with it lands in one family.
 */
export function createRefreshToken(parent?: PresentedRefreshToken): IssuedRefreshToken {
  const proof = parent ? (proofOf(parent) ?? legacyProofOf(parent)) : randomBytes(PROOF_BYTES);
  const selector = familyOf(proof) + randomBytes(4).toString('base64url');
  const verifier = Buffer.concat([proof, randomBytes(16)]).toString('base64url');
  return { value: `${selector}.${verifier}`, selector, verifierHash: hashVerifier(verifier) };
}

export function parseRefreshToken(value: string | undefined): PresentedRefreshToken | null {
  const match = value ? SHAPE.exec(value) : null;
  return match ? { selector: match[1] as string, verifier: match[2] as string } : null;
}

/** The family the presented token proves it belongs to, or null (not a family token, or a forgery). */
export function provenFamily(presented: PresentedRefreshToken): string | null {
  return proofOf(presented) ? presented.selector.slice(0, FAMILY_CHARS) : null;
}

function familyOf(proof: Buffer): string {
  return createHash('sha256').update(proof).digest().subarray(0, 12).toString('base64url');
}

function proofOf(presented: PresentedRefreshToken): Buffer | null {
  const proof = Buffer.from(presented.verifier, 'base64url').subarray(0, PROOF_BYTES);
  return familyOf(proof) === presented.selector.slice(0, FAMILY_CHARS) ? proof : null;
}

/** Only the holder of the verifier can compute this; the database holds its SHA-256 alone. */
function legacyProofOf(presented: PresentedRefreshToken): Buffer {
  return createHash('sha256').update(`family:${presented.verifier}`).digest().subarray(0, PROOF_BYTES);
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
