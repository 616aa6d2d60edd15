import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { ConfigError } from './config.ts';
import { answerUnparsableRequests, type HttpProblem, type ProblemClass } from './problems.ts';

// What a service's main.ts does with the process: read the configuration, listen, stop on a
// signal. Only main.ts calls these: everything else is built from arguments.

/**
 * The configuration `load` makes of the environment (and `.env` in the working folder, when there
 * is one). A ConfigError is printed, one line per problem, and the process exits with 1.
 */
export function configFromEnvironment<C>(load: (env: Record<string, string | undefined>) => C): C {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return load(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

export type ServeOptions = {
  port: number;
  host: string;
  logger: Logger;
  /** The service's error class, for the requests Node's parser refuses. */
  Problem: ProblemClass<HttpProblem>;
  /** Called once listening, with the port (the one the system chose for PORT=0). */
  onListening(port: number): void;
  /** Closes what the service opened (the database) once the last request is answered. */
  close(): Promise<void>;
};

/**
 * Listens, and on SIGTERM or SIGINT stops taking connections, lets in-flight requests finish,
 * closes what the service opened and exits. A port that cannot be had ends the process.
 */
export function serve(app: { listen(port: number, host: string, callback: () => void): Server }, options: ServeOptions): Server {
  const { logger } = options;
  const server = app.listen(options.port, options.host, () => {
    const address = server.address();
    options.onListening(typeof address === 'object' && address ? address.port : options.port);
  });
  answerUnparsableRequests(server, options.Problem);
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'cannot listen');
    process.exit(1);
  });

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    // Past 10 s, in-flight requests are cut so the process still exits in time.
    const force = setTimeout(() => server.closeAllConnections(), 8_000);
    force.unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    await options.close();
    logger.info('stopped');
    process.exit(0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return server;
}
