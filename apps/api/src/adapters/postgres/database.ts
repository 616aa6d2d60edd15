import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { inTransaction, openPool } from '@spa-auth/server-support';
import type pg from 'pg';
import { createInMemoryPGlite } from './fresh-cluster.ts';

/** What every store query needs: PGlite, a pg pool and a pg transaction client all speak it. */
export type Queryable = {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
};

export type Database = Queryable & {
  readonly kind: 'embedded' | 'postgres';
  /** Runs fn in one transaction on one connection; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

/**
 * The embedded database. `dataDir` is a folder, or `memory://` to keep nothing.
 * An existing PGlite instance may be passed instead (tests share one, since initdb costs seconds).
 */
export async function openEmbeddedDatabase(source: string | PGlite): Promise<Database> {
  if (typeof source === 'string' && !source.includes('://')) await mkdir(source, { recursive: true, mode: 0o700 });
  const db = typeof source !== 'string' ? source : source === 'memory://' ? await createInMemoryPGlite() : await PGlite.create(source);
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    query: async <T>(text: string, params?: unknown[]) => ({ rows: (await q.query<T>(text, params)).rows }),
    exec: async (sql: string) => {
      await q.exec(sql);
    },
  });
  return {
    kind: 'embedded',
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
  };
}

const MAX_PREPARED_STATEMENTS = 200;

/** A PostgreSQL server through a pg pool. */
export function openPostgresDatabase(connectionString: string, options: { max?: number; onError?: (error: Error) => void } = {}): Database {
  const pool = openPool(connectionString, options);
  // Parameterised statements are named, so PostgreSQL parses and plans each once per connection
  // rather than on every call (it halved the database's CPU per refresh; docs/performance.md). The
  // texts are the store's constants; the cap only guards against a future caller building SQL text.
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name && names.size < MAX_PREPARED_STATEMENTS) {
      name = `s${names.size}`;
      names.set(text, name);
    }
    return name;
  };
  const wrap = (q: pg.Pool | pg.PoolClient): Queryable => ({
    query: async <T>(text: string, values?: unknown[]) => {
      const name = values?.length ? nameOf(text) : undefined;
      return { rows: (await q.query(name ? { name, text, values } : { text, values })).rows as T[] };
    },
    exec: async (sql: string) => {
      await q.query(sql);
    },
  });
  return {
    kind: 'postgres',
    ...wrap(pool),
    transaction: (fn) => inTransaction(pool, (client) => fn(wrap(client))),
    close: () => pool.end(),
  };
}
