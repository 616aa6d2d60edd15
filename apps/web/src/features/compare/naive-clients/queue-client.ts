import axios, { type AxiosError, type InternalAxiosRequestConfig } from 'axios';
import type { NaiveClient, NaiveClientOptions } from './index.ts';
import { createRefreshInstance, type SessionBody } from './refresh-instance.ts';

type Retriable = InternalAxiosRequestConfig & { _retry?: boolean };
type Waiting = { resolve: (token: string) => void; reject: (error: unknown) => void };

/**
 * The `isRefreshing` + `failedQueue` interceptor, as the widely forked GitHub gist that most axios
 * refresh guides copy writes it (the version on an axios instance), with the token in memory: the
 * instance's default `Authorization` header, which the gist also sets.
 *
 * What goes wrong (docs/design.md, "Why the usual refresh interceptors fail"):
 * - the lock is a boolean that is cleared when the refresh ends. A request sent with the old token
 *   whose 401 comes back after that finds `isRefreshing` false and starts another refresh: the gist
 *   never asks which token the 401 was for (our client does: requirement 9.4);
 * - nothing refreshes before expiry, so every expiry costs a 401 per request in flight;
 * - no cross-tab lock: two tabs refresh the same cookie at once, which a server without a reuse
 *   grace answers with `refresh_reused` and the end of the session.
 */
export function createQueueClient(options: NaiveClientOptions): NaiveClient {
  const http = axios.create({ ...options.axios, baseURL: options.baseURL });
  const refreshHttp = createRefreshInstance(options);

  // The gist's code from here on, but for `accessToken` (its `data.token`) and the refresh call above.
  let isRefreshing = false;
  let failedQueue: Waiting[] = [];

  const processQueue = (error: unknown, token: string | null = null) => {
    for (const prom of failedQueue) {
      if (error) prom.reject(error);
      else prom.resolve(token as string);
    }
    failedQueue = [];
  };

  http.interceptors.response.use(
    (response) => response,
    (error: AxiosError) => {
      const originalRequest = error.config as Retriable;
      // The gist reads error.response.status, which throws on a network error; `?.` keeps the rest as it is.
      if (error.response?.status === 401 && !originalRequest._retry) {
        if (isRefreshing) {
          return new Promise<string>((resolve, reject) => {
            failedQueue.push({ resolve, reject });
          })
            .then((token) => {
              originalRequest.headers.Authorization = `Bearer ${token}`;
              return http(originalRequest);
            })
            .catch((err: unknown) => Promise.reject(err));
        }

        originalRequest._retry = true;
        isRefreshing = true;

        return new Promise((resolve, reject) => {
          refreshHttp
            .post<SessionBody>('/auth/refresh')
            .then(({ data }) => {
              http.defaults.headers.common.Authorization = `Bearer ${data.accessToken}`;
              originalRequest.headers.Authorization = `Bearer ${data.accessToken}`;
              processQueue(null, data.accessToken);
              resolve(http(originalRequest));
            })
            .catch((err: unknown) => {
              processQueue(err, null);
              reject(err);
            })
            .finally(() => {
              isRefreshing = false;
            });
        });
      }

      return Promise.reject(error);
    },
  );

  return {
    http,
    async start() {
      const { data } = await refreshHttp.post<SessionBody>('/auth/refresh');
      http.defaults.headers.common.Authorization = `Bearer ${data.accessToken}`;
    },
    token: () => String(http.defaults.headers.common.Authorization ?? '').replace(/^Bearer /, '') || null,
  };
}
