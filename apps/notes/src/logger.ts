import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { type DestinationStream, type Logger, pino, stdSerializers } from 'pino';

/**
 * Access tokens never reach a log line: the Authorization header is replaced before serialisation,
 * and the query string is replaced whole (below), since `?access_token=` is where callers put one
 * when they should not.
 */
const REDACT_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'];

function withoutQuery(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : `${url.slice(0, queryAt)}?[redacted]`;
}

function serializeRequest(req: IncomingMessage & { originalUrl?: string }) {
  const { referer } = req.headers;
  return {
    method: req.method,
    url: withoutQuery(req.originalUrl ?? req.url ?? ''),
    headers: referer === undefined ? req.headers : { ...req.headers, referer: withoutQuery(referer) },
    remoteAddress: req.socket?.remoteAddress,
  };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'notes' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        err: stdSerializers.err,
        req: serializeRequest,
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    destination,
  );
}

/**
 * One line per request once its response is over, as the API logs them: nothing is serialised
 * unless info is on, so a busy service pays nothing for logging it does not write.
 */
export function createRequestLog(logger: Logger, options: { ignore?: (req: Request) => boolean } = {}): RequestHandler {
  return (req, res, next) => {
    if (logger.isLevelEnabled('info') && !options.ignore?.(req)) {
      const startedAt = performance.now();
      res.once('close', () => {
        const responseTime = Math.round(performance.now() - startedAt);
        logger.info({ req, res, responseTime }, res.writableFinished ? 'request completed' : 'request aborted');
      });
    }
    next();
  };
}
