/**
 * @spa-auth/http-client: the one axios instance of a single-page app that uses short-lived access
 * tokens and an HttpOnly refresh cookie.
 *
 * @example
 * ```ts
 * import { createApiClient, ApiError } from '@spa-auth/http-client';
 * const client = createApiClient({ baseURL: 'https://api.example.com', onSessionExpired: () => goToLogin() });
 * await client.restore();
 * ```
 */
export {
  type ApiClient,
  type ApiClientOptions,
  type ClientEvent,
  createApiClient,
  type PasskeyAssertionJSON,
  type PasskeyProof,
  type RefreshReason,
  type SecondFactorProof,
  type Session,
} from './client.ts';
export { ApiError, type ClientErrorCode } from './errors.ts';
export {
  type Channel,
  type Clock,
  createBroadcastChannel,
  createLockManager,
  createPageLifecycle,
  type Lifecycle,
  type LockManager,
  type Seams,
} from './seams.ts';
