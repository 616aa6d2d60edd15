/**
 * The clients and scenarios of the compare page, by name: what the page shows, and what the
 * end-to-end test and `npm run bench` look for on it. No imports, so that they can read it without
 * loading any client.
 */

export const CLIENT_KINDS = ['ours', 'queue', 'retry-each-401', 'axios-auth-refresh'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** How the page names each client, and where its code is. */
export const CLIENT_LABELS: Record<ClientKind, { name: string; detail: string }> = {
  ours: { name: 'Ours', detail: '@spa-auth/http-client, the client every page of this app uses' },
  queue: { name: 'isRefreshing + failedQueue', detail: 'the interceptor most axios refresh guides copy' },
  'retry-each-401': { name: 'Each 401 refreshes and retries', detail: 'the shortest interceptor the guides show' },
  'axios-auth-refresh': { name: 'axios-auth-refresh', detail: 'the npm package, with its default options' },
};

export const SCENARIOS = ['burst', 'straddle', 'two-tabs', 'revoked'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const SCENARIO_LABELS: Record<Scenario, { name: string; detail: (calls: number) => string }> = {
  burst: {
    name: 'Parallel calls on an expired token',
    detail: (calls) => `Waits until the API refuses the client's token, then makes ${calls} calls at once.`,
  },
  straddle: {
    name: 'Calls that straddle the expiry (late 401s)',
    detail: (calls) =>
      `From the moment the API refuses the token, ${calls} calls, one every ${STREAM_GAP_MS} ms: the calls that leave while the refresh is on its way carry the old token, and their 401s come back after the new one arrived.`,
  },
  'two-tabs': {
    name: 'Two tabs at once',
    detail: (calls) =>
      `Opens a second tab of this page with the same client; once both tokens are refused, each tab makes ${calls} calls at the same moment. The tabs share the refresh cookie, as real tabs do.`,
  },
  revoked: {
    name: 'A session revoked elsewhere',
    detail: (calls) =>
      `Ends the session as another device would (DELETE /api/sessions/:id, through the app's own client), then makes ${calls} calls at once with the token the API now refuses. This run always ends your session.`,
  },
};

/** The gap between two calls of the straddling stream. */
export const STREAM_GAP_MS = 10;
