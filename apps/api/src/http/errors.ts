import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { PasswordChecksBusyError } from '../auth/passwords.ts';
import { AppError } from '../errors.ts';
import { isDatabaseUnavailable } from '../store/db.ts';

/** body-parser's error types, mapped to the contract's codes (section 3). */
function fromBodyParser(error: { type?: unknown; status?: unknown; code?: unknown }): AppError | null {
  // A Content-Encoding: gzip/deflate/br body that does not inflate fails in zlib (Z_DATA_ERROR,
  // Z_BUF_ERROR) and reaches us with no body-parser type: it is the client's bad body, not a 500.
  if (typeof error.code === 'string' && error.code.startsWith('Z_') && error.status === 400) {
    return new AppError(400, 'malformed_json', 'The request body could not be decompressed');
  }
  switch (error.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'malformed_json', 'The request body is not valid JSON');
    case 'entity.too.large':
      return new AppError(413, 'payload_too_large', 'The request body is larger than 16 KiB');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'unsupported_media_type', 'The request body must be UTF-8 JSON');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return new AppError(400, 'malformed_json', 'The request body could not be read');
    default:
      return null;
  }
}

export const notFound: RequestHandler = (req) => {
  throw new AppError(404, 'not_found', `No route for ${req.method} ${req.path}`);
};

/**
 * The one renderer of errors: every failure leaves as problem+json. Unexpected errors are logged
 * with their stack and answered with a generic 500 that says nothing about the cause.
 */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let problem: AppError;
    if (error instanceof AppError) problem = error;
    else if (error && typeof error === 'object' && fromBodyParser(error)) problem = fromBodyParser(error) as AppError;
    else if (error instanceof PasswordChecksBusyError) {
      problem = new AppError(503, 'service_unavailable', 'Too many sign-ins are being checked; try again in a second', {
        headers: { 'Retry-After': '1' },
      });
    } else if (isDatabaseUnavailable(error)) {
      logger.warn({ err: error, req }, 'database unavailable');
      problem = new AppError(503, 'service_unavailable', 'The service is temporarily unavailable; try again shortly', {
        headers: { 'Retry-After': '5' },
      });
    } else {
      logger.error({ err: error, req }, 'unexpected error');
      problem = new AppError(500, 'internal_error', 'Something went wrong on our side');
    }
    if (res.headersSent) return;
    res.status(problem.status).set(problem.headers).type('application/problem+json').send(JSON.stringify(problem.toProblem()));
  };
}
