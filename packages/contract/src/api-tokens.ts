/**
 * API tokens (personal access tokens) without a schema library: their scopes, what each role may
 * hold, their lifetimes and their format. Plain constants, so a command-line client or a secret
 * scanner's rule can use them without zod; the schemas are in index.ts.
 */

/** What an API token may be allowed to do; every `/api` route needs one of these, or a person. */
export const SCOPES = [
  'profile:read',
  'profile:write',
  'sessions:read',
  'sessions:write',
  'activity:read',
  'admin:read',
  'admin:write',
] as const;
export type Scope = (typeof SCOPES)[number];

/** One line each, as the web app shows them beside the checkboxes. */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'profile:read': 'Read your name, email address and role',
  'profile:write': 'Change your name',
  'sessions:read': 'List your signed-in devices',
  'sessions:write': 'Sign out one of your devices',
  'activity:read': 'Read your security activity log',
  'admin:read': 'List every account and read its activity (admins only)',
  'admin:write': "Change an account's role, disable it or end its sessions (admins only)",
};

/**
 * The scopes a role carries. A browser sign-in holds all of its role's scopes; an API token holds
 * what it was given, capped at each request by its owner's role at that moment.
 */
export const ROLE_SCOPES: Record<'user' | 'admin', readonly Scope[]> = {
  user: ['profile:read', 'profile:write', 'sessions:read', 'sessions:write', 'activity:read'],
  admin: SCOPES,
};

/** The lifetimes a token may be given, in days. Every token expires. */
export const API_TOKEN_LIFETIMES_DAYS = [7, 30, 90, 365] as const;
export type ApiTokenLifetimeDays = (typeof API_TOKEN_LIFETIMES_DAYS)[number];

/** How many live tokens an account may hold at once. */
export const MAX_API_TOKENS_PER_USER = 50;

/**
 * The token's format: the prefix, 43 base62 characters of randomness (256 bits) and a 6-character
 * base62 CRC32 of that randomness. The checksum lets a client or the API tell a mistyped or
 * truncated token without a database read; the fixed prefix lets secret scanners find leaked ones.
 */
export const API_TOKEN_PREFIX = 'spa_pat_';
/** For secret-scanning services: matches a whole token wherever it appears in text. */
export const API_TOKEN_PATTERN = /\bspa_pat_[0-9A-Za-z]{49}\b/;

const BASE62_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 62^43 > 2^256: 43 characters drawn uniformly carry at least 256 bits. */
export const API_TOKEN_RANDOM_LENGTH = 43;
/** 62^6 > 2^32: six characters hold any CRC32. */
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

// CRC-32 (IEEE 802.3, as zlib's), table-driven: written here rather than taken from node:zlib so that
// the check runs wherever the contract does, browsers included.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC32 of ASCII text (a token's random part is base62), whose characters are its bytes. */
export function crc32OfAscii(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i += 1) crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The checksum a token carries after its random part: CRC32 of the random part, in base 62. */
export function apiTokenChecksum(randomPart: string): string {
  return base62(crc32OfAscii(randomPart), CHECKSUM_LENGTH);
}

/**
 * Whether `token` is one whole API token whose checksum matches: a mistyped, truncated or invented
 * token is refused by this, without asking the API (a client) or the database (the API).
 */
export function isWellFormedApiToken(token: string): boolean {
  // API_TOKEN_PATTERN is unanchored (scanners search text with it): it must match the whole string.
  if (API_TOKEN_PATTERN.exec(token)?.[0] !== token) return false;
  const start = API_TOKEN_PREFIX.length;
  return apiTokenChecksum(token.slice(start, start + API_TOKEN_RANDOM_LENGTH)) === token.slice(start + API_TOKEN_RANDOM_LENGTH);
}
