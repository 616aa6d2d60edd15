import { API_TOKEN_PREFIX } from '@spa-auth/contract/wire';
import { createServerLogger } from '@spa-auth/server-support';
import type { DestinationStream, Logger } from 'pino';

// An API token is recognisable by its prefix wherever it turns up: a path, a User-Agent, a header
// the redacted paths do not name, an error's message. Mistyped and truncated ones too, since most
// of such a token is still the secret.
const API_TOKEN_ANYWHERE = new RegExp(`${API_TOKEN_PREFIX}[0-9A-Za-z]+`, 'g');

/** The shared logger's redaction, and an API token anywhere in a line replaced after it. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return createServerLogger(
    level,
    { scrub: (line) => (line.includes(API_TOKEN_PREFIX) ? line.replace(API_TOKEN_ANYWHERE, '[redacted]') : line) },
    destination,
  );
}
