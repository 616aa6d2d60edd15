import { createHash, randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { API_TOKEN_PREFIX } from '@spa-auth/contract/wire';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// 62^43 > 2^256: 43 characters drawn uniformly carry at least 256 bits.
const RANDOM_LENGTH = 43;
// 62^6 > 2^32: six characters hold any CRC32.
const CHECKSUM_LENGTH = 6;
const SHAPE = new RegExp(`^${API_TOKEN_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);
/** What the owner sees of a token afterwards: the prefix and four random characters. */
const DISPLAY_LENGTH = API_TOKEN_PREFIX.length + 4;

/** CRC32 of the random part in base62, most significant digit first, padded to six characters. */
export function checksumOf(random: string): string {
  let value = crc32(Buffer.from(random, 'utf8'));
  let digits = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i += 1) {
    digits = BASE62[value % 62] + digits;
    value = Math.floor(value / 62);
  }
  return digits;
}

/** SHA-256 of the whole token: what the database keeps. A 256-bit random secret needs no slow hash. */
export function hashApiToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export type NewApiToken = { secret: string; hash: Buffer; displayPrefix: string };

export function generateApiToken(): NewApiToken {
  let random = '';
  // randomInt draws without modulo bias.
  for (let i = 0; i < RANDOM_LENGTH; i += 1) random += BASE62[randomInt(62)];
  const secret = `${API_TOKEN_PREFIX}${random}${checksumOf(random)}`;
  return { secret, hash: hashApiToken(secret), displayPrefix: secret.slice(0, DISPLAY_LENGTH) };
}

/**
 * Whether `token` has the format and a matching checksum: a mistyped, truncated or invented token
 * is refused here, before any database read.
 */
export function isWellFormedApiToken(token: string): boolean {
  if (!SHAPE.test(token)) return false;
  const random = token.slice(API_TOKEN_PREFIX.length, API_TOKEN_PREFIX.length + RANDOM_LENGTH);
  return checksumOf(random) === token.slice(API_TOKEN_PREFIX.length + RANDOM_LENGTH);
}
