import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');
// Any constant works; it only has to be the same in every instance of this app.
const MIGRATION_LOCK_KEY = 7_201_733;

/**
 * Applies the pending `migrations/NNN_name.sql` files in order, each recorded in schema_migrations.
 * One transaction under a transaction-scoped advisory lock: when two instances start at once, the
 * second waits, then finds everything applied.
 */
/** Every migration's name, in the order they apply. */
export async function migrationNames(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
}

export async function migrate(db: Database): Promise<string[]> {
  const files = await migrationNames();
  const scripts = await Promise.all(files.map(async (name) => ({ name, sql: await readFile(path.join(MIGRATIONS_DIR, name), 'utf8') })));
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await tx.query<{ name: string }>('SELECT name FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.name));
    const pending = scripts.filter((s) => !applied.has(s.name));
    for (const script of pending) {
      await tx.exec(script.sql);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [script.name]);
    }
    return pending.map((s) => s.name);
  });
}
