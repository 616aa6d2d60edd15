import axios, { type AxiosError, type InternalAxiosRequestConfig } from 'axios';
import type { NaiveClient, NaiveClientOptions } from './index.ts';
import { createRefreshInstance, type SessionBody } from './refresh-instance.ts';

type Retriable = InternalAxiosRequestConfig & { _retry?: boolean };

/**
 * The shortest refresh interceptor the guides show: a request interceptor that attaches the token,
 * and a response interceptor in which every 401 refreshes and retries its own request, once (the
 * `_retry` flag keeps it from looping).
 *
 * What goes wrong (docs/design.md, "Why the usual refresh interceptors fail"): N requests that meet
 * an expired token send N refreshes of one refresh token. Against rotation with reuse detection
 * that is a storm of superseded tokens: within the API's grace they get siblings (at most 32 per
 * generation, requirement 5.3.7), after it or past the cap the API sees a reused token, answers
 * `refresh_reused` and ends the session (requirement 5.3.3). No cross-tab lock either.
 */
export function createRetryEach401Client(options: NaiveClientOptions): NaiveClient {
  const http = axios.create({ ...options.axios, baseURL: options.baseURL });
  const refreshHttp = createRefreshInstance(options);
  let accessToken: string | null = null;

  http.interceptors.request.use((config) => {
    if (accessToken) config.headers.Authorization = `Bearer ${accessToken}`;
    return config;
  });

  http.interceptors.response.use(
    (response) => response,
    async (error: AxiosError) => {
      const originalRequest = error.config as Retriable;
      if (error.response?.status === 401 && !originalRequest._retry) {
        originalRequest._retry = true;
        const { data } = await refreshHttp.post<SessionBody>('/auth/refresh');
        accessToken = data.accessToken;
        originalRequest.headers.Authorization = `Bearer ${accessToken}`;
        return http(originalRequest);
      }
      return Promise.reject(error);
    },
  );

  return {
    http,
    async start() {
      accessToken = (await refreshHttp.post<SessionBody>('/auth/refresh')).data.accessToken;
    },
    token: () => accessToken,
  };
}
