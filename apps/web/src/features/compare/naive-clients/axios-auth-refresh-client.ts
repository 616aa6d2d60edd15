import axios, { type InternalAxiosRequestConfig } from 'axios';
import { createAuthRefresh } from 'axios-auth-refresh';
import type { NaiveClient, NaiveClientOptions } from './index.ts';
import { createRefreshInstance, type SessionBody } from './refresh-instance.ts';

/**
 * The `axios-auth-refresh` package with its default options (`statusCodes: [401]`,
 * `deduplicateRefresh: true`, `maxRetries: 3`), set up as its README shows: a `refreshAuthLogic` that
 * refreshes and puts the new token on the failed request, and a request interceptor that attaches
 * the latest token to every request.
 *
 * What goes wrong (docs/design.md, "Why the usual refresh interceptors fail"): while its one
 * refresh runs, the instance counts as paused, and a 401 that arrives in that time is not
 * intercepted at all: it is rejected as it is. So of N parallel calls on an expired token, the one
 * whose 401 came first is retried and the others fail. A 401 that arrives after the refresh (a late
 * one) starts a new refresh. New requests wait for a running refresh, but only within this tab.
 */
export function createAxiosAuthRefreshClient(options: NaiveClientOptions): NaiveClient {
  const http = axios.create({ ...options.axios, baseURL: options.baseURL });
  const refreshHttp = createRefreshInstance(options);
  let accessToken: string | null = null;
  const getAccessToken = () => accessToken;

  // The README's refreshAuthLogic, with `accessToken` for its `token` and memory for localStorage.
  const refreshAuthLogic = (failedRequest: { response: { config: InternalAxiosRequestConfig } }) =>
    refreshHttp.post<SessionBody>('/auth/refresh').then((tokenRefreshResponse) => {
      accessToken = tokenRefreshResponse.data.accessToken;
      failedRequest.response.config.headers.Authorization = `Bearer ${accessToken}`;
      return Promise.resolve();
    });

  // The package's types name axios's CommonJS declarations, the app's its ES module ones: one instance, two spellings.
  createAuthRefresh(http as unknown as Parameters<typeof createAuthRefresh>[0], refreshAuthLogic);

  // The README's request interceptor: "make sure the stalled requests are using the newly fetched data".
  http.interceptors.request.use((request) => {
    request.headers.Authorization = `Bearer ${getAccessToken()}`;
    return request;
  });

  return {
    http,
    async start() {
      accessToken = (await refreshHttp.post<SessionBody>('/auth/refresh')).data.accessToken;
    },
    token: getAccessToken,
  };
}
