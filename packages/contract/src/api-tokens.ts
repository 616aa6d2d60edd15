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
