import type { IncomingMessage } from 'node:http';
import { API_TOKEN_PREFIX } from '@spa-auth/contract/wire';
import { type DestinationStream, type Logger, pino, stdSerializers } from 'pino';

/**
 * Secrets never reach a log line: the Authorization header, cookies, Set-Cookie and any password
 * field are replaced before serialisation, and an API token anywhere in a line after it (below).
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

// An API token is recognisable by its prefix wherever it turns up: a path, a User-Agent, a header
// the paths above do not name, an error's message. Mistyped and truncated ones too, since most of
// such a token is still the secret.
const API_TOKEN_ANYWHERE = new RegExp(`${API_TOKEN_PREFIX}[0-9A-Za-z]+`, 'g');

function withoutQuery(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : `${url.slice(0, queryAt)}?[redacted]`;
}

/**
 * A request as logged: method, path, headers (redacted below) and peer. The query string is replaced
 * whole, names and values alike: the API reads nothing from it, and what callers put there anyway is
 * often a credential (`?access_token=`, a bare token as a name) that must not reach a log.
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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: { streamWrite: (line) => (line.includes(API_TOKEN_PREFIX) ? line.replace(API_TOKEN_ANYWHERE, '[redacted]') : line) },
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
