import { inTransaction, isDatabaseUnavailable, openPool } from '@spa-auth/server-support';
import { type Note, type NotesStore, NotesStoreUnavailableError } from '../notes/notes.ts';

// The notes service's one table, beside the API's in the same database or in one of its own. The
// identity column orders notes created in the same millisecond by when they were inserted.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS notes (
  id uuid PRIMARY KEY,
  owner_id text NOT NULL,
  text text NOT NULL,
  created_at timestamptz NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX IF NOT EXISTS notes_owner_newest ON notes (owner_id, created_at DESC, seq DESC);
`;
// Advisory lock keys: any constants, the same in every instance, other than the API's (7201733).
const MIGRATION_LOCK = 7_201_734;
const OWNER_LOCK_CLASS = 7_201_735;

type Row = { id: string; owner_id: string; text: string; created_at: Date };
const toNote = (row: Row): Note => ({ id: row.id, ownerId: row.owner_id, text: row.text, createdAt: row.created_at });

async function unavailableAsSuch<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw new NotesStoreUnavailableError('The notes database cannot be reached', { cause: error });
    throw error;
  }
}

export type PostgresNotesStore = NotesStore & { close(): Promise<void> };

/**
 * Notes in PostgreSQL. Creates the table at start (a tiny migration under an advisory lock, so
 * instances starting together do not race), then answers through a pool.
 */
export async function openPostgresNotesStore(
  connectionString: string,
  options: { max?: number; onError?: (error: Error) => void } = {},
): Promise<PostgresNotesStore> {
  const pool = openPool(connectionString, options);

  try {
    await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(SCHEMA);
    });
  } catch (error) {
    await pool.end();
    throw error;
  }

  return {
    list: (ownerId, limit) =>
      unavailableAsSuch(async () => {
        const { rows } = await pool.query<Row>({
          name: 'notes_list',
          text: 'SELECT id, owner_id, text, created_at FROM notes WHERE owner_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2',
          values: [ownerId, limit],
        });
        return rows.map(toNote);
      }),
    create: (note, limit) =>
      unavailableAsSuch(() =>
        inTransaction(pool, async (client) => {
          // One create per owner at a time, so that a count taken here still holds at the insert.
          await client.query({
            name: 'notes_lock_owner',
            text: 'SELECT pg_advisory_xact_lock($1, hashtext($2))',
            values: [OWNER_LOCK_CLASS, note.ownerId],
          });
          const { rows } = await client.query<{ n: number }>({
            name: 'notes_count',
            text: 'SELECT count(*)::int AS n FROM notes WHERE owner_id = $1',
            values: [note.ownerId],
          });
          if ((rows[0]?.n ?? 0) >= limit) return { created: false, reason: 'limit_reached' } as const;
          await client.query({
            name: 'notes_insert',
            text: 'INSERT INTO notes (id, owner_id, text, created_at) VALUES ($1, $2, $3, $4)',
            values: [note.id, note.ownerId, note.text, note.createdAt],
          });
          return { created: true, note: { ...note } } as const;
        }),
      ),
    delete: (ownerId, id) =>
      unavailableAsSuch(async () => {
        const result = await pool.query({
          name: 'notes_delete',
          text: 'DELETE FROM notes WHERE id = $1 AND owner_id = $2',
          values: [id, ownerId],
        });
        return (result.rowCount ?? 0) > 0;
      }),
    close: () => pool.end(),
  };
}
