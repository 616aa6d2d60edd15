import { type ErrorCode, type Problem, problemType } from '@spa-auth/contract';
import type { FieldError } from '@spa-auth/server-support';

const TITLES: Record<ErrorCode, string> = {
  malformed_json: 'Malformed JSON',
  validation_failed: 'Validation failed',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  rate_limited: 'Too many requests',
  service_unavailable: 'Service unavailable',
  internal_error: 'Internal error',
  token_missing: 'Authentication required',
  invalid_request: 'Invalid request',
  token_expired: 'Token expired',
  token_invalid: 'Invalid token',
  session_revoked: 'Session revoked',
  insufficient_scope: 'Insufficient scope',
  csrf_rejected: 'Cross-site request refused',
  email_taken: 'Email already registered',
  invalid_credentials: 'Invalid credentials',
  refresh_missing: 'No session',
  refresh_invalid: 'Invalid session',
  refresh_expired: 'Session expired',
  refresh_reused: 'Session ended',
  refresh_conflict: 'Conflicting session cookies',
  email_unverified: 'Email not verified',
  link_invalid: 'Invalid link',
  link_expired: 'Link expired',
  link_used: 'Link already used',
  insufficient_user_authentication: 'Recent sign-in required',
  account_disabled: 'Account disabled',
  admin_lockout: 'Would leave no admin',
  token_revoked: 'Token revoked',
  api_token_not_allowed: 'API token not allowed',
  api_token_limit: 'Too many API tokens',
  second_factor_required: 'Second factor required',
  second_factor_invalid: 'Invalid second factor',
  second_factor_challenge_invalid: 'Sign-in expired',
  second_factor_not_enrolled: 'No second factor',
  second_factor_already_enrolled: 'Second factor already enrolled',
  passkey_challenge_invalid: 'Passkey ceremony expired',
  passkey_invalid: 'Invalid passkey',
  passkey_unknown: 'Unknown passkey',
  passkey_cloned: 'Passkey counter went back',
  passkey_limit: 'Too many passkeys',
  passkey_already_registered: 'Passkey already registered',
};

/** Members a problem of some codes adds (RFC 9457 extension members): the second step's challenge. */
export type ProblemExtensions = Pick<Problem, 'challenge' | 'factors'>;

/**
 * The one error type of the API. Routes and middleware throw it; the error handler renders it
 * as RFC 9457 problem+json. Clients switch on `code`, never on `detail`.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly headers: Record<string, string>;
  readonly errors: FieldError[] | undefined;
  readonly extensions: ProblemExtensions;

  constructor(
    status: number,
    code: ErrorCode,
    detail: string,
    options: { headers?: Record<string, string>; errors?: FieldError[]; extensions?: ProblemExtensions; cause?: unknown } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.headers = options.headers ?? {};
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
  }

  toProblem(): Problem {
    return {
      type: problemType(this.code),
      title: TITLES[this.code],
      status: this.status,
      detail: this.message,
      code: this.code,
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}

/**
 * A resource that refused work at once rather than queue it without bound (the password-check
 * queue). Thrown beneath the HTTP layer, which answers 503 with Retry-After and `publicMessage`.
 */
export class ServiceBusyError extends Error {
  readonly publicMessage: string;
  readonly retryAfterSeconds: number;

  constructor(message: string, publicMessage: string, retryAfterSeconds: number) {
    super(message);
    this.publicMessage = publicMessage;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
