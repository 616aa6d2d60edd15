import type { ErrorCode, Problem } from '@spa-auth/contract/wire';
import { type AxiosError, isAxiosError } from 'axios';
import { problemOf } from './parse.ts';

/**
 * The API's problem codes, and the two the client adds for failures that never reached the API's problem+json.
 *
 * @example
 * ```ts
 * const retryable = (code: ClientErrorCode) => code === 'network_error' || code === 'service_unavailable';
 * ```
 */
export type ClientErrorCode = ErrorCode | 'network_error' | 'unexpected_response';

/**
 * The one error type the client rejects with. Switch on `code`, never on `message`.
 *
 * @example
 * ```ts
 * try {
 *   await client.login({ email, password });
 * } catch (error) {
 *   if (error instanceof ApiError && error.code === 'invalid_credentials') showWrongPassword();
 *   else if (error instanceof ApiError && error.code === 'rate_limited') showTryAgainIn(error.retryAfter);
 *   else throw error;
 * }
 * ```
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** The problem `code` of the API, or `network_error` / `unexpected_response`. */
  readonly code: ClientErrorCode;
  /** The HTTP status, or null when no response arrived. */
  readonly status: number | null;
  /** The RFC 9457 problem details, when the API sent them. */
  readonly problem: Problem | undefined;
  /** Seconds to wait before trying again (from `Retry-After`), when the API said so. */
  readonly retryAfter: number | undefined;

  constructor(
    code: ClientErrorCode,
    message: string,
    init: { status?: number | null; problem?: Problem; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: init.cause });
    this.code = code;
    this.status = init.status ?? null;
    this.problem = init.problem;
    this.retryAfter = init.retryAfter;
  }
}

function retryAfterOf(headers: unknown): number | undefined {
  const raw = (headers as Record<string, unknown> | undefined)?.['retry-after'];
  const seconds = Number(raw);
  return raw !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** Turns whatever axios rejected with into an ApiError (an ApiError passes through). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (!isAxiosError(error)) return new ApiError('unexpected_response', String(error), { cause: error });
  const response = (error as AxiosError).response;
  if (!response) return new ApiError('network_error', error.message || 'The API could not be reached', { cause: error });
  const problem = problemOf(response.data);
  const retryAfter = retryAfterOf(response.headers);
  if (problem) {
    return new ApiError(problem.code, problem.detail, {
      status: response.status,
      problem,
      ...(retryAfter !== undefined ? { retryAfter } : {}),
      cause: error,
    });
  }
  return new ApiError('unexpected_response', `Unexpected ${response.status} response`, { status: response.status, cause: error });
}
