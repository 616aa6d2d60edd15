import path from 'node:path';
import { isDatabaseUnavailable } from '@spa-auth/server-support';
import { createPostgresActivityStore } from './activity.ts';
import { createPostgresApiTokenStore } from './api-tokens.ts';
import { type Database, openEmbeddedDatabase, openPostgresDatabase } from './database.ts';
import { createPostgresEmailLinkStore } from './email-links.ts';
import { migrate } from './migrate.ts';
import { createPostgresPasskeyStore } from './passkeys.ts';
import { createPostgresSecondFactorStore } from './second-factors.ts';
import { createPostgresServiceClientStore } from './service-clients.ts';
import { createPostgresSessionStore } from './sessions.ts';
import { createPostgresUserStore } from './users.ts';

export type { Database } from './database.ts';

/**
 * The PostgreSQL adapter: every port (users, sessions, email links, the activity log, API tokens, service clients, second factors, passkeys) on one database, a real server through pg or
 * the embedded PGlite, which speak the same SQL. The app sees the ports only; bootstrap.ts picks
 * the adapter.
 */
export function createPostgresStorage(db: Database) {
  return {
    kind: db.kind,
    users: createPostgresUserStore(db),
    sessions: createPostgresSessionStore(db),
    emailLinks: createPostgresEmailLinkStore(db),
    activity: createPostgresActivityStore(db),
    apiTokens: createPostgresApiTokenStore(db),
    serviceClients: createPostgresServiceClientStore(db),
    secondFactors: createPostgresSecondFactorStore(db),
    passkeys: createPostgresPasskeyStore(db),
    async ping() {
      await db.query('SELECT 1');
    },
    isUnavailable: isDatabaseUnavailable,
    close: () => db.close(),
  };
}

/**
 * Opens and migrates the database the settings name: `databaseUrl` for a server, else PGlite in
 * `dataDir` (`memory://` keeps nothing).
 */
export async function openPostgresStorage(settings: {
  databaseUrl?: string | undefined;
  dataDir: string;
  onError?: (error: Error) => void;
}) {
  const db = settings.databaseUrl
    ? openPostgresDatabase(settings.databaseUrl, settings.onError ? { onError: settings.onError } : {})
    : await openEmbeddedDatabase(settings.dataDir.startsWith('memory://') ? 'memory://' : path.join(settings.dataDir, 'pglite'));
  const migrations = await migrate(db);
  return { ...createPostgresStorage(db), migrations };
}
