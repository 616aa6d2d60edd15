import { crc32 } from 'node:zlib';
import { API_TOKEN_PATTERN, API_TOKEN_PREFIX } from '@spa-auth/contract/wire';

const BASE62_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 43;
const CHECKSUM_LENGTH = 6;

/** `value` in base 62 (digits 0-9A-Za-z), most significant first, left-padded with '0' to `width`. */
export function base62(value: number, width: number): string {
  let digits = '';
  let rest = value;
  do {
    digits = BASE62_DIGITS.charAt(rest % 62) + digits;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return digits.padStart(width, '0');
}

/** The checksum the API appends to a token's random part: CRC32 of its UTF-8 bytes in base 62. */
export function checksumOf(randomPart: string): string {
  return base62(crc32(Buffer.from(randomPart, 'utf8')), CHECKSUM_LENGTH);
}

/**
 * Whether `token` is one whole API token with a matching checksum. Checked before any request, so
 * a token cut short by a copy and paste is named as such instead of costing a round trip and
 * coming back as a bare 401.
 */
export function isWellFormedApiToken(token: string): boolean {
  // The contract's pattern is unanchored (secret scanners search text with it): it must match all of it.
  if (API_TOKEN_PATTERN.exec(token)?.[0] !== token) return false;
  const randomStart = API_TOKEN_PREFIX.length;
  const randomPart = token.slice(randomStart, randomStart + RANDOM_LENGTH);
  return checksumOf(randomPart) === token.slice(randomStart + RANDOM_LENGTH);
}

/** Whether `text` holds an API token anywhere, to refuse one typed on the command line. */
export function containsApiToken(text: string): boolean {
  return API_TOKEN_PATTERN.test(text);
}
