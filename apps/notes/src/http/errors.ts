import type { ErrorCode } from '@spa-auth/contract/wire';
import { problemType } from '@spa-auth/contract/wire';
import { createProblemHandler, type FieldError } from '@spa-auth/server-support';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { NotesStoreUnavailableError } from '../notes/notes.ts';

/**
 * The codes this service answers with: the API's own where the meaning is the same (so a client
 * switches on one vocabulary), and `note_limit`, which only this service has. The bearer check's
 * codes (token_missing, token_invalid, ...) come from the resource-server kit, which renders them.
 */
export type NotesErrorCode =
  | Extract<
      ErrorCode,
      | 'malformed_json'
      | 'validation_failed'
      | 'payload_too_large'
      | 'unsupported_media_type'
      | 'not_found'
      | 'invalid_request'
      | 'service_unavailable'
      | 'internal_error'
    >
  | 'note_limit';

const TITLES: Record<NotesErrorCode, string> = {
  malformed_json: 'Malformed JSON',
  validation_failed: 'Validation failed',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  not_found: 'Not found',
  invalid_request: 'Invalid request',
  service_unavailable: 'Service unavailable',
  internal_error: 'Internal error',
  note_limit: 'Too many notes',
};

/** The one error type of the service: routes throw it, the error handler renders it as RFC 9457 problem+json. */
export class NotesError extends Error {
  readonly status: number;
  readonly code: NotesErrorCode;
  readonly headers: Record<string, string>;
  readonly errors: FieldError[] | undefined;

  constructor(
    status: number,
    code: NotesErrorCode,
    detail: string,
    options: { headers?: Record<string, string>; errors?: FieldError[] } = {},
  ) {
    super(detail);
    this.name = 'NotesError';
    this.status = status;
    this.code = code;
    this.headers = options.headers ?? {};
    this.errors = options.errors;
  }

  toProblem() {
    return {
      // problemType only formats the URN; `note_limit` is this service's code, not one of the API's.
      type: problemType(this.code as ErrorCode),
      title: TITLES[this.code],
      status: this.status,
      detail: this.message,
      code: this.code,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

/** Unknown routes: 404 problem+json, as every other answer of the service. */
export const notFound: RequestHandler = (req) => {
  throw new NotesError(404, 'not_found', `No route for ${req.method} ${req.path}`);
};

/**
 * The one renderer of errors, the API's with NotesError. Unexpected ones are logged with their
 * stack and answered with a generic 500; a store that cannot be reached is 503 with Retry-After.
 */
export function createErrorHandler(logger: Logger, bodyLimit: string): ErrorRequestHandler {
  return createProblemHandler({
    logger,
    Problem: NotesError,
    bodyLimit,
    isStorageUnavailable: (error) => error instanceof NotesStoreUnavailableError,
  });
}
