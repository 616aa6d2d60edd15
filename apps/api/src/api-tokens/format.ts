import { createHash, randomInt } from 'node:crypto';
import { API_TOKEN_PREFIX, API_TOKEN_RANDOM_LENGTH, apiTokenChecksum } from '@spa-auth/contract/wire';

export { isWellFormedApiToken } from '@spa-auth/contract/wire';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** What the owner sees of a token afterwards: the prefix and four random characters. */
const DISPLAY_LENGTH = API_TOKEN_PREFIX.length + 4;

/** SHA-256 of the whole token: what the database keeps. A 256-bit random secret needs no slow hash. */
export function hashApiToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export type NewApiToken = { secret: string; hash: Buffer; displayPrefix: string };

/** A new token: the prefix, 43 base62 characters from the system's CSPRNG, and their checksum. */
export function generateApiToken(): NewApiToken {
  let random = '';
  // randomInt draws without modulo bias.
  for (let i = 0; i < API_TOKEN_RANDOM_LENGTH; i += 1) random += BASE62[randomInt(62)];
  const secret = `${API_TOKEN_PREFIX}${random}${apiTokenChecksum(random)}`;
  return { secret, hash: hashApiToken(secret), displayPrefix: secret.slice(0, DISPLAY_LENGTH) };
}
