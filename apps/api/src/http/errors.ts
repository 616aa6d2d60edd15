import type { ErrorCode } from '@spa-auth/contract';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, ServiceBusyError } from '../errors.ts';

/** The problem code each response was answered with, for limiters that count some failures only. */
const answeredCodes = new WeakMap<object, ErrorCode>();

/** The problem `code` the error handler answered `res` with, or undefined (a success, or not answered yet). */
export const problemCodeOf = (res: object): ErrorCode | undefined => answeredCodes.get(res);

type LibraryError = { type?: unknown; status?: unknown; statusCode?: unknown };

/**
 * Errors that body-parser, raw-body and router raise for a client's mistake, mapped to the problem
 * codes of requirement 3. They follow the http-errors convention of a 4xx `status`; anything else is ours.
 */
function fromLibrary(error: LibraryError): AppError | null {
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
  }
  const status = error.status ?? error.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499) return null;
  // router decodes path parameters while matching; a bad escape (/api/sessions/%E0%A4%A) is a URIError with status 400.
  if (error instanceof URIError) return new AppError(400, 'invalid_request', 'The request path has a malformed percent-escape');
  // What is left is body-parser passing on a decoder's error with status 400 and no type of its own:
  // a gzip, deflate, br or zstd body that does not decompress. Each decoder has its own error codes
  // (Z_DATA_ERROR, ERR__ERROR_FORMAT_PADDING_2, ZSTD_error_prefix_unknown...), so the status decides.
  return new AppError(400, 'malformed_json', 'The request body could not be read or decompressed');
}

/**
 * What router keeps of each `use` and route. Since router 2.3, `match` is pure (it returns the match
 * and stores nothing on the layer); older versions return a bare boolean, and then every miss stays 404.
 */
type RouterLayer = {
  match(path: string): { path: string } | boolean;
  route?: { methods: Record<string, boolean | undefined> };
  handle: unknown;
};

function isRouter(handle: unknown): handle is { stack: RouterLayer[] } {
  return typeof handle === 'function' && Array.isArray((handle as { stack?: unknown }).stack);
}

/** Every method some route answers for this path, found the way router dispatches: mounts trim their prefix. */
function collectMethods(stack: readonly RouterLayer[], path: string, methods: Set<string>): void {
  for (const layer of stack) {
    let match: { path: string } | boolean;
    try {
      match = layer.match(path);
    } catch {
      continue; // a parameter that does not decode; router reports that itself, before we get here
    }
    if (typeof match !== 'object') continue;
    if (layer.route) {
      for (const [method, handled] of Object.entries(layer.route.methods)) {
        if (handled && method !== '_all') methods.add(method.toUpperCase());
      }
    } else if (isRouter(layer.handle)) {
      const rest = path.slice(match.path.length);
      collectMethods(layer.handle.stack, rest.startsWith('/') ? rest : `/${rest}`, methods);
    }
  }
}

/**
 * The last handler: 405 with `Allow` when the path is a route of the app under other methods, else
 * 404. It reads the app's own route table at the time of the miss, so every route mounted on the
 * app or on a router within it counts, those added later included, with no list to keep. Being
 * last, it answers only what got past the middleware in front: on `/api` the bearer check, so a
 * wrong method there is 401 without a valid token, as an unknown `/api` path is.
 */
export function createNotFound(app: { router: unknown }): RequestHandler {
  return (req) => {
    const methods = new Set<string>();
    collectMethods((app.router as { stack: RouterLayer[] }).stack, req.path, methods);
    // Express answers HEAD with the GET route, and cors answers every OPTIONS before routing.
    if (methods.has('GET')) methods.add('HEAD');
    if (methods.size === 0 || methods.has(req.method)) {
      throw new AppError(404, 'not_found', `No route for ${req.method} ${req.path}`);
    }
    const allow = [...methods].sort().join(', ');
    throw new AppError(405, 'method_not_allowed', `${req.path} does not answer ${req.method}; it answers ${allow}`, {
      headers: { Allow: allow },
    });
  };
}

/**
 * The one renderer of errors: every failure leaves as problem+json. Unexpected errors are logged
 * with their stack and answered with a generic 500 that says nothing about the cause.
 * `isStorageUnavailable` comes from the storage adapter: its errors that mean "the database cannot
 * be reached" become 503 with Retry-After.
 */
export function createErrorHandler(logger: Logger, isStorageUnavailable: (error: unknown) => boolean = () => false): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let problem: AppError;
    if (error instanceof AppError) problem = error;
    else if (error && typeof error === 'object' && fromLibrary(error)) problem = fromLibrary(error) as AppError;
    else if (error instanceof ServiceBusyError) {
      problem = new AppError(503, 'service_unavailable', error.publicMessage, {
        headers: { 'Retry-After': String(error.retryAfterSeconds) },
      });
    } else if (isStorageUnavailable(error)) {
      logger.warn({ err: error, req }, 'database unavailable');
      problem = new AppError(503, 'service_unavailable', 'The service is temporarily unavailable; try again shortly', {
        headers: { 'Retry-After': '5' },
      });
    } else {
      logger.error({ err: error, req }, 'unexpected error');
      problem = new AppError(500, 'internal_error', 'Something went wrong on our side');
    }
    if (res.headersSent) return;
    answeredCodes.set(res, problem.code);
    // An error is about this request at this moment: no browser or shared cache may replay it.
    res
      .status(problem.status)
      .set(problem.headers)
      .set('Cache-Control', 'no-store')
      .type('application/problem+json')
      .send(JSON.stringify(problem.toProblem()));
  };
}
