/**
 * The parts of the contract that need no schema library at run time: constants, the problem codes,
 * and the response schemas the http-client parses with, as JSON Schema generated from the zod
 * schemas in `index.ts`. Importing this module (`@spa-auth/contract/wire`) brings no zod code into
 * a bundle; `index.ts` re-exports all of it.
 *
 * @example
 * ```ts
 * import { CSRF_HEADER } from '@spa-auth/contract/wire';
 * await fetch('/auth/logout', { method: 'POST', credentials: 'include', headers: { [CSRF_HEADER.name]: CSRF_HEADER.value } });
 * ```
 */
export { ProblemJsonSchema, SessionResponseJsonSchema } from './json-schemas.ts';

/** Every stable problem `code` the API can answer with (contract sections 3 to 6). */
export const ERROR_CODES = [
  'malformed_json',
  'validation_failed',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'rate_limited',
  'service_unavailable',
  'internal_error',
  'token_missing',
  'invalid_request',
  'token_expired',
  'token_invalid',
  'session_revoked',
  'insufficient_scope',
  'csrf_rejected',
  'email_taken',
  'invalid_credentials',
  'refresh_missing',
  'refresh_invalid',
  'refresh_expired',
  'refresh_reused',
] as const;

/** The header every `/auth/*` POST must carry (contract 5.2, CSRF). */
export const CSRF_HEADER = { name: 'X-Requested-With', value: 'XMLHttpRequest' } as const;

/** The refresh cookie's name and path (contract 5.1). */
export const REFRESH_COOKIE = { name: 'refresh_token', path: '/auth' } as const;
