import { createResourceServer } from '@spa-auth/resource-server';
import { configFromEnvironment, createServerLogger, serve } from '@spa-auth/server-support';
import { createMemoryNotesStore } from './adapters/memory.ts';
import { openPostgresNotesStore } from './adapters/postgres.ts';
import { createNotesApp } from './app.ts';
import { loadNotesConfig } from './config.ts';
import { NotesError } from './http/errors.ts';
import type { NotesStore } from './notes/notes.ts';

// The only module with side effects: environment, database, listening, signals.
const config = configFromEnvironment(loadNotesConfig);

const logger = createServerLogger(config.logLevel, { base: { service: 'notes' } });
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

serve(app, {
  port: config.port,
  host: config.host,
  logger,
  Problem: NotesError,
  onListening(port) {
    logger.info(
      { storage: config.databaseUrl ? 'postgres' : 'memory', api: config.apiUrl, audience: config.audience },
      `spa-auth notes listening on http://${config.host}:${port}`,
    );
  },
  close: async () => {
    await store.close?.();
  },
});
