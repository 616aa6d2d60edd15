import { existsSync } from 'node:fs';
import { createResourceServer } from '@spa-auth/resource-server';
import { createMemoryNotesStore } from './adapters/memory.ts';
import { openPostgresNotesStore } from './adapters/postgres.ts';
import { createNotesApp } from './app.ts';
import { ConfigError, loadNotesConfig } from './config.ts';
import { answerUnparsableRequests } from './http/client-error.ts';
import { createLogger } from './logger.ts';
import type { NotesStore } from './notes/notes.ts';

// The only module with side effects: environment, database, listening, signals.
if (existsSync('.env')) process.loadEnvFile('.env');

let config: ReturnType<typeof loadNotesConfig>;
try {
  config = loadNotesConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger(config.logLevel);
if (!config.introspection) {
  logger.warn('INTROSPECTION=off: a token of an ended session (logout, password reset, admin) is accepted until it expires');
}

let store: NotesStore & { close?(): Promise<void> };
try {
  store = config.databaseUrl
    ? await openPostgresNotesStore(config.databaseUrl, { onError: (err) => logger.warn({ err }, 'idle database connection lost') })
    : createMemoryNotesStore();
} catch (error) {
  logger.fatal({ err: error }, 'cannot open the notes database');
  process.exit(1);
}

const tokens = createResourceServer({
  apiUrl: config.apiUrl,
  issuer: config.jwtIssuer,
  audience: config.audience,
  maxTokenLifetimeSeconds: config.accessTokenTtlMs / 1000,
  clockToleranceSeconds: config.clockToleranceMs / 1000,
  introspection: config.introspection,
});
const app = createNotesApp({
  store,
  clock: { now: () => Date.now() },
  logger,
  requireAuth: tokens.requireAuth,
  corsOrigins: config.corsOrigins,
});

const server = app.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { storage: config.databaseUrl ? 'postgres' : 'memory', api: config.apiUrl, audience: config.audience },
    `spa-auth notes listening on http://${config.host}:${port}`,
  );
});
answerUnparsableRequests(server);
server.on('error', (error) => {
  logger.fatal({ err: error }, 'cannot listen');
  process.exit(1);
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  const force = setTimeout(() => server.closeAllConnections(), 8_000);
  force.unref();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
  await store.close?.();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
