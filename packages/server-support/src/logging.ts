import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { type DestinationStream, type Logger, pino, stdSerializers } from 'pino';

/**
 * Secrets never reach a log line: the Authorization header, cookies, Set-Cookie and any password
 * or token field are replaced before serialisation.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
];

function withoutQuery(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : `${url.slice(0, queryAt)}?[redacted]`;
}

/**
 * A request as logged: method, path, headers (redacted above) and peer. The query string is replaced
 * whole, names and values alike: the services read nothing from it, and what callers put there
 * anyway is often a credential (`?access_token=`, a bare token as a name) that must not reach a log.
 */
function serializeRequest(req: IncomingMessage & { originalUrl?: string }) {
  const { referer } = req.headers;
  return {
    method: req.method,
    url: withoutQuery(req.originalUrl ?? req.url ?? ''),
    // The page a browser came from carries its own query (a return path, a link's token): same rule.
    headers: referer === undefined ? req.headers : { ...req.headers, referer: withoutQuery(referer) },
    remoteAddress: req.socket?.remoteAddress,
    remotePort: req.socket?.remotePort,
  };
}

export type ServerLoggerOptions = {
  /** Fields on every line instead of pino's pid and hostname (`{ service: 'notes' }`). */
  base?: Record<string, unknown>;
  /** Rewrites each line before it is written: for a secret recognisable wherever it turns up. */
  scrub?: (line: string) => string;
};

/** JSON lines with the redaction and the serializers above. */
export function createServerLogger(level: string, options: ServerLoggerOptions = {}, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      ...(options.base ? { base: options.base } : {}),
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      ...(options.scrub ? { hooks: { streamWrite: options.scrub } } : {}),
      serializers: {
        err: stdSerializers.err,
        req: serializeRequest,
        // The status is enough of a response; its headers (Set-Cookie among them) stay out of logs.
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    destination,
  );
}

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
