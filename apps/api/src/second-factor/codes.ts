import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app reads it by default: SHA-1, 6 digits, 30-second steps. */
const TOTP_PERIOD_SECONDS = 30;
const TOTP_DIGITS = 6;
/** A code of the step before or after the server's is accepted too: clocks drift, people type slowly. */
const TOTP_WINDOW = 1;
/** 160 bits, the length RFC 4226 recommends for the HMAC-SHA-1 key. */
const TOTP_SECRET_BYTES = 20;

const totp = (secret: Uint8Array, label = '', issuer = '') =>
  new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: new Secret({ buffer: Uint8Array.from(secret).buffer }),
  });

export function newTotpSecret(): Buffer {
  return randomBytes(TOTP_SECRET_BYTES);
}

/** What an authenticator app is given: the secret in base32, to type, and the otpauth:// URI a QR code holds. */
export function enrolmentOf(secret: Buffer, account: string, issuer: string): { secret: string; otpauthUri: string } {
  const generator = totp(secret, account, issuer);
  return { secret: generator.secret.base32, otpauthUri: generator.toString() };
}

/**
 * The time step (30-second periods since the epoch) whose code `code` is, within one step of
 * `nowMs`; null when it matches none. The caller refuses a step at or before the last one used.
 */
export function matchingStep(secret: Buffer, code: string, nowMs: number): number | null {
  const delta = totp(secret).validate({ token: code, timestamp: nowMs, window: TOTP_WINDOW });
  return delta === null ? null : Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS) + delta;
}

// RFC 4648's base32 alphabet, lower case: no 0, 1, 8 or 9 to mistake for O, I, B or g.
const RECOVERY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** A recovery code: 12 characters of base32 (60 random bits) in three groups, `xxxx-xxxx-xxxx`. */
export function newRecoveryCode(): string {
  // 32 letters: the low 5 bits of a random byte pick one uniformly.
  const chars = [...randomBytes(12)].map((byte) => RECOVERY_ALPHABET[byte & 31]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

/**
 * What is stored of a recovery code: SHA-256 of the user's id and the code as typed, normalised
 * (lower case, no spaces or hyphens). The user's id makes one table of guesses useless for
 * another account's codes.
 */
export function recoveryCodeHash(userId: string, typed: string): Buffer {
  const normalised = typed.toLowerCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(`${userId}:${normalised}`).digest();
}

/** The SHA-256 of a sign-in challenge, the only form of it the database holds. */
export function challengeHash(challenge: string): Buffer {
  return createHash('sha256').update(challenge).digest();
}
