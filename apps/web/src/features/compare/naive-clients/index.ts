/**
 * # Naive refresh clients: for the compare page only, never for use
 *
 * These are the refresh interceptors that people copy from guides, rewritten as closely as this
 * API allows, so that the demo's compare page can run them beside `@spa-auth/http-client` against
 * the same API and show what goes wrong. They are here to be measured, not used: each of them
 * loses sessions or fails calls in ways the compare page and docs/design.md ("Why the usual refresh
 * interceptors fail") explain. Nothing outside `features/compare/` may import this folder, and no
 * package does (`npm run lint` checks both: scripts/check-web-imports.ts); deleting the compare
 * feature deletes them.
 *
 * 1. `queue-client.ts`: the `isRefreshing` flag with a `failedQueue` of waiting requests, from the
 *    widely forked GitHub gist that most axios refresh guides reproduce. A boolean lock and no check
 *    of which token a 401 was for: a 401 that comes back after the refresh has finished starts another.
 * 2. `retry-each-401-client.ts`: each 401 refreshes and retries its own request. N parallel calls send
 *    N refreshes of one rotating refresh token.
 * 3. `axios-auth-refresh-client.ts`: the `axios-auth-refresh` package (npm) with its default options,
 *    set up as its README shows. One refresh, but every other 401 that arrives while it runs is
 *    rejected instead of retried.
 *
 * What is the same in all three, and different from the guides only where this API asks for it:
 * - the token is kept in memory (the guides use localStorage; storage is not what is compared here);
 * - the refresh is `POST /auth/refresh` with the cookie (`withCredentials`) and the CSRF header the
 *   API requires (requirement 5.2.1), on an axios instance with no interceptors, as the guides call
 *   the global `axios` for it; the new token is the body's `accessToken`;
 * - none of them coordinates with other tabs: each tab has its own flag, queue and token, which is
 *   what the guides' module-level variables give a real app.
 *
 * Each factory takes extra axios defaults (`axios`), which the compare page uses for one thing: an
 * adapter that counts what actually goes over the network, the same for every client.
 */
import type { AxiosInstance, CreateAxiosDefaults } from 'axios';

export { createAxiosAuthRefreshClient } from './axios-auth-refresh-client.ts';
export { createQueueClient } from './queue-client.ts';
export { createRetryEach401Client } from './retry-each-401-client.ts';

export type NaiveClientOptions = {
  /** The API's base URL, as the app's own client gets it. */
  baseURL: string;
  /** Extra axios defaults for every instance the client makes. */
  axios?: CreateAxiosDefaults;
};

export type NaiveClient = {
  /** The app's instance: every API call goes through it. */
  readonly http: AxiosInstance;
  /** What a page load does in these guides: one refresh from the cookie, and the token it answers kept. */
  start(): Promise<void>;
  /** The access token in memory, or null: for the compare page's probe of when the API refuses it. */
  token(): string | null;
};
