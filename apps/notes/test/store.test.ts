import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, inject } from 'vitest';
// Types only: declares what the API's global set-up provides (inject('postgresUrl')).
import type {} from '../../api/test/global-setup.ts';
import { createMemoryNotesStore } from '../src/adapters/memory.ts';
import { openPostgresNotesStore, type PostgresNotesStore } from '../src/adapters/postgres.ts';
import type { NotesStore } from '../src/notes/notes.ts';
import { testNotesStore } from './notes-store-contract.ts';

// One contract, both adapters: in memory, and PostgreSQL on this run's throwaway database (the
// API's test set-up makes it), in a schema of this file's own so that the migration runs on an
// empty one as it does at a service's first start.

const postgresUrl = inject('postgresUrl');
let opened: Promise<PostgresNotesStore> | undefined;
afterAll(async () => {
  await (await opened)?.close();
});

/** The store on PostgreSQL, opened once for the file: a schema of its own, migrated by the store's own start. */
function postgresStore(url: string): Promise<PostgresNotesStore> {
  opened ??= (async () => {
    const schema = `notes_store_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const scoped = new URL(url);
    scoped.searchParams.set('options', `-c search_path=${schema}`);
    return openPostgresNotesStore(scoped.toString());
  })();
  return opened;
}

// PostgreSQL unless the run opted out of it out loud (SPA_AUTH_SKIP_POSTGRES=1, as the API's suites).
const adapters: [string, () => Promise<NotesStore>][] = [['in memory', async () => createMemoryNotesStore()]];
if (postgresUrl) adapters.push(['PostgreSQL', () => postgresStore(postgresUrl)]);

describe.each(adapters)('%s', (_name, setup) => {
  testNotesStore(setup);
});
