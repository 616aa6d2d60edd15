import type { ErrorCode } from '@spa-auth/contract';
import { createProblemHandler } from '@spa-auth/server-support';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, ServiceBusyError } from '../errors.ts';

/** The problem code each response was answered with, for limiters that count some failures only. */
const answeredCodes = new WeakMap<object, ErrorCode>();

/** The problem `code` the error handler answered `res` with, or undefined (a success, or not answered yet). */
export const problemCodeOf = (res: object): ErrorCode | undefined => answeredCodes.get(res);

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
 * The one renderer of errors (the shared handler, with the API's AppError): every failure leaves as
 * problem+json, and the code it was answered with is kept for the limiters. A full password queue
 * is 503 with its own Retry-After; `isStorageUnavailable` comes from the storage adapter, whose
 * errors that mean "the database cannot be reached" become 503 with Retry-After.
 */
export function createErrorHandler(logger: Logger, isStorageUnavailable: (error: unknown) => boolean = () => false): ErrorRequestHandler {
  return createProblemHandler({
    logger,
    Problem: AppError,
    // jsonBody's limit (http/body.ts).
    bodyLimit: '16 KiB',
    known: (error) =>
      error instanceof ServiceBusyError
        ? new AppError(503, 'service_unavailable', error.publicMessage, { headers: { 'Retry-After': String(error.retryAfterSeconds) } })
        : null,
    isStorageUnavailable,
    onAnswer: (res, problem) => answeredCodes.set(res, problem.code),
  });
}
