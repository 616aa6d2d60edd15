import { type DestinationStream, type Logger, pino, stdSerializers } from 'pino';

/**
 * Secrets never reach a log line: the Authorization header, cookies, Set-Cookie and any password
 * field are replaced before serialisation.
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
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        err: stdSerializers.err,
        req: stdSerializers.req,
        // The status is enough of a response; its headers (Set-Cookie among them) stay out of logs.
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    destination,
  );
}
