import { CSRF_HEADER } from '@spa-auth/contract/wire';
import axios, { type AxiosInstance } from 'axios';
import type { NaiveClientOptions } from './index.ts';

/** What `POST /auth/refresh` answers (requirement 5.2.16); the guides read `data.token` instead. */
export type SessionBody = { accessToken: string; expiresIn: number };

/**
 * The instance the guides' refresh call goes through: the global `axios` in their code, which has
 * no interceptors. An instance of its own here, so that the page's global axios stays untouched. It
 * sends the refresh cookie (`withCredentials`) and the CSRF header the API asks for on every
 * `POST /auth/*` (requirement 5.2.1).
 */
export function createRefreshInstance(options: NaiveClientOptions): AxiosInstance {
  return axios.create({
    ...options.axios,
    baseURL: options.baseURL,
    withCredentials: true,
    headers: { [CSRF_HEADER.name]: CSRF_HEADER.value },
  });
}
