import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';

/**
 * One JSON line per request once its response is over: `{ req, res, responseTime }` with the
 * logger's serializers (headers redacted, only the status of the response).
 *
 * Why not pino-http: it builds two child loggers per request and serialises and redacts the whole
 * request into one of them before the route runs, whether or not a line is ever written. That was
 * about 15 % of the API's CPU on a protected route in `npm run bench`, even with LOG_LEVEL=silent.
 * Here a request costs nothing when info is off, and one serialisation when it is on.
 */
export function createRequestLog(logger: Logger, options: { ignore?: (req: Request) => boolean } = {}): RequestHandler {
  return (req, res, next) => {
    if (logger.isLevelEnabled('info') && !options.ignore?.(req)) {
      const startedAt = performance.now();
      // 'close' comes after 'finish' for a completed response, and alone for one the client dropped.
      res.once('close', () => {
        const responseTime = Math.round(performance.now() - startedAt);
        logger.info({ req, res, responseTime }, res.writableFinished ? 'request completed' : 'request aborted');
      });
    }
    next();
  };
}
