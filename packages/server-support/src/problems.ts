import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Logger } from 'pino';

/** The codes answered here on a service's behalf; each service's own list of codes holds them. */
export type SharedProblemCode =
  | 'malformed_json'
  | 'validation_failed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'invalid_request'
  | 'service_unavailable'
  | 'internal_error';

/** What a service's error type is to this module: a status, a stable code, headers, and its RFC 9457 body. */
export type HttpProblem = {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  toProblem(): object;
};

/**
 * A service's error class (the API's AppError, the notes service's NotesError): how the error
 * handler tells the service's own errors from the rest, and how it makes one for the rest.
 */
export type ProblemClass<P extends HttpProblem> = new (
  status: number,
  code: SharedProblemCode,
  detail: string,
  options?: { headers?: Record<string, string>; errors?: FieldError[] },
) => P;

/** A field of a body at fault: its dotted path and what is wrong with it. */
export type FieldError = { path: string; message: string };

type LibraryError = { type?: unknown; status?: unknown; statusCode?: unknown };

/**
 * Errors that body-parser, raw-body and router raise for a client's mistake, as the service's
 * problem. They follow the http-errors convention of a 4xx `status`; anything else is the service's.
 */
function fromLibrary<P extends HttpProblem>(error: LibraryError, Problem: ProblemClass<P>, bodyLimit: string): P | null {
  switch (error.type) {
    case 'entity.parse.failed':
      return new Problem(400, 'malformed_json', 'The request body is not valid JSON');
    case 'entity.too.large':
      return new Problem(413, 'payload_too_large', `The request body is larger than ${bodyLimit}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new Problem(415, 'unsupported_media_type', 'The request body must be UTF-8 JSON');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return new Problem(400, 'malformed_json', 'The request body could not be read');
  }
  const status = error.status ?? error.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499) return null;
  // router decodes path parameters while matching; a bad escape (/api/sessions/%E0%A4%A) is a URIError with status 400.
  if (error instanceof URIError) return new Problem(400, 'invalid_request', 'The request path has a malformed percent-escape');
  // What is left is body-parser passing on a decoder's error with status 400 and no type of its own:
  // a gzip, deflate, br or zstd body that does not decompress. Each decoder has its own error codes
  // (Z_DATA_ERROR, ERR__ERROR_FORMAT_PADDING_2, ZSTD_error_prefix_unknown...), so the status decides.
  return new Problem(400, 'malformed_json', 'The request body could not be read or decompressed');
}

export type ProblemHandlerOptions<P extends HttpProblem> = {
  logger: Logger;
  Problem: ProblemClass<P>;
  /** The JSON body limit as a 413's detail names it: `16 KiB`. */
  bodyLimit: string;
  /** A problem for an error from beneath HTTP that is not a 500 (a full queue: 503), else null. */
  known?: (error: unknown) => P | null;
  /** Errors of the storage that mean "it cannot be reached": 503 with Retry-After, not 500. */
  isStorageUnavailable?: (error: unknown) => boolean;
  /** Sees each problem just before it is sent. */
  onAnswer?: (res: Response, problem: P) => void;
};

/**
 * The one renderer of errors: every failure leaves as problem+json. Unexpected errors are logged
 * with their stack and answered with a generic 500 that says nothing about the cause.
 */
export function createProblemHandler<P extends HttpProblem>(options: ProblemHandlerOptions<P>): ErrorRequestHandler {
  const { logger, Problem, bodyLimit } = options;
  const problemOf = (error: unknown, req: Request): P => {
    if (error instanceof Problem) return error;
    const fromClient = error && typeof error === 'object' ? fromLibrary(error, Problem, bodyLimit) : null;
    if (fromClient) return fromClient;
    const known = options.known?.(error);
    if (known) return known;
    if (options.isStorageUnavailable?.(error)) {
      logger.warn({ err: error, req }, 'database unavailable');
      return new Problem(503, 'service_unavailable', 'The service is temporarily unavailable; try again shortly', {
        headers: { 'Retry-After': '5' },
      });
    }
    logger.error({ err: error, req }, 'unexpected error');
    return new Problem(500, 'internal_error', 'Something went wrong on our side');
  };
  return (error, req, res, _next) => {
    const problem = problemOf(error, req);
    if (res.headersSent) return;
    options.onAnswer?.(res, problem);
    // An error is about this request at this moment: no browser or shared cache may replay it.
    res
      .status(problem.status)
      .set(problem.headers)
      .set('Cache-Control', 'no-store')
      .type('application/problem+json')
      .send(JSON.stringify(problem.toProblem()));
  };
}

// Node's own answers to what its parser refuses, by the error code it reports.
const STATUS_BY_CODE: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/**
 * Requests that Node's HTTP parser refuses before Express ever sees them (a byte it does not allow
 * in the path or a header, broken framing, headers too large) get Node's bare answer without a
 * body. This answers them as every other client mistake is answered: problem+json with a stable
 * code, never cached, then the connection is closed (the stream's framing can no longer be trusted).
 */
export function answerUnparsableRequests(server: Server, Problem: ProblemClass<HttpProblem>): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection the client already dropped has nobody to answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason] = STATUS_BY_CODE[error.code ?? ''] ?? [400, 'Bad Request'];
    const body = JSON.stringify(new Problem(status, 'invalid_request', 'The request could not be parsed as HTTP').toProblem());
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nCache-Control: no-store\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
