import { createApiClient } from '@spa-auth/http-client';
import type { CreateAxiosDefaults } from 'axios';
import type { ClientKind } from './labels.ts';
import { createAxiosAuthRefreshClient, createQueueClient, createRetryEach401Client } from './naive-clients/index.ts';
import type { CountedConfig } from './tally.ts';

/**
 * Ours under test has a lock and channel name of its own, so that it coordinates with its own second
 * tab (the two-tab scenario) and not with the app's client in this tab.
 */
export const OURS_NAME = 'spa-auth-compare';

/** One client as the scenarios drive it: set up, make calls, tell when its token expires, go away. */
export type ClientUnderTest = {
  /** A page load: the session restored from the cookie (one refresh), so the client holds a token. */
  start(): Promise<void>;
  /** One API call (`GET /api/me`), named by `call` so that its retries are counted as such. */
  call(call: number): Promise<unknown>;
  /**
   * When the token in hand expires: the token's own `exp` for the naive clients (they do not keep
   * the time), ours' own reckoning for ours. Null without a token.
   */
  expiresAt(): number | null;
  /** The raw token, for the page's probe of whether the API still takes it; null for ours, which never shows it. */
  token(): string | null;
  dispose(): void;
};

function jwtExpiry(token: string | null): number | null {
  try {
    const payload = JSON.parse(atob((token ?? '').split('.')[1]?.replace(/-/g, '+').replace(/_/g, '/') ?? '')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * Makes the client of `kind` against `baseURL`, every instance of it counting through `axios`
 * (the tally's adapter). `onSessionEnded` hears ours' `onSessionExpired`; the naive clients have no
 * such callback, which is part of what is compared.
 */
export function createClientUnderTest(
  kind: ClientKind,
  options: { baseURL: string; axios: CreateAxiosDefaults; onSessionEnded: (code: string) => void },
): ClientUnderTest {
  const call = (http: { get(url: string, config: CountedConfig | object): Promise<unknown> }, id: number) =>
    http.get('/api/me', { compareCall: id } as object);
  if (kind === 'ours') {
    const client = createApiClient({
      baseURL: options.baseURL,
      name: OURS_NAME,
      axios: options.axios,
      onSessionExpired: ({ code }) => options.onSessionEnded(code),
    });
    return {
      start: async () => {
        if (!(await client.restore())) throw new Error('no session to restore: sign in again');
      },
      call: (id) => call(client.http, id),
      expiresAt: () => client.getSession()?.accessTokenExpiresAt ?? null,
      token: () => null,
      dispose: () => client.dispose(),
    };
  }
  const create = {
    queue: createQueueClient,
    'retry-each-401': createRetryEach401Client,
    'axios-auth-refresh': createAxiosAuthRefreshClient,
  }[kind];
  const client = create({ baseURL: options.baseURL, axios: options.axios });
  return {
    start: () => client.start(),
    call: (id) => call(client.http, id),
    expiresAt: () => jwtExpiry(client.token()),
    token: () => client.token(),
    dispose: () => {},
  };
}
