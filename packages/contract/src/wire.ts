/**
 * The parts of the contract that need no schema library at run time: constants and the problem
 * codes. Importing this module (`@spa-auth/contract/wire`) brings no zod code into a bundle (the
 * http-client checks its two response shapes without zod); `index.ts` re-exports all of it.
 *
 * @example
 * ```ts
 * import { CSRF_HEADER } from '@spa-auth/contract/wire';
 * await fetch('/auth/logout', { method: 'POST', credentials: 'include', headers: { [CSRF_HEADER.name]: CSRF_HEADER.value } });
 * ```
 */
import type { ErrorCode } from './wire-types.ts';

export * from './api-tokens.ts';
export { ERROR_CODES } from './error-codes.ts';
export * from './second-factor.ts';
export type * from './wire-types.ts';

/** The header every `/auth/*` POST must carry (requirement 5.2, CSRF). */
export const CSRF_HEADER = { name: 'X-Requested-With', value: 'XMLHttpRequest' } as const;

/** The refresh cookie's name and path (requirement 5.1). */
export const REFRESH_COOKIE = { name: 'refresh_token', path: '/auth' } as const;

/** The problem `type` URI for a code. A URN, because nothing has to be served at it. */
export function problemType(code: ErrorCode): string {
  return `urn:spa-auth:problem:${code}`;
}
