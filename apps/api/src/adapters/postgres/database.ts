import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
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
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    // A query that hangs on a dead server must fail so the caller can answer 503.
    query_timeout: 10_000,
  });
  // Without a listener, an idle client losing its server (restart, failover) crashes the process.
  pool.on('error', (error) => options.onError?.(error));
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
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw error;
      } finally {
        // A client whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/** True for errors that mean "the database cannot be reached", which the API answers with 503. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)) return true;
    // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
    if (code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code)) return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error/i.test(
    error.message,
  );
}
