import type { Queryable } from './database.ts';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The first row of a query, or null. */
export async function one<T>(q: Queryable, text: string, params: unknown[]): Promise<T | null> {
  const { rows } = await q.query<T>(text, params);
  return rows[0] ?? null;
}

/**
 * Deletes at most `limit` rows of `table` that `where` picks ($1: the cutoff), and answers how many:
 * one batch of a retention task. SKIP LOCKED: a second instance running at the same moment takes
 * other rows instead of waiting for these, and a row locked by a request in flight (a refresh) is
 * simply left for the next run.
 */
export async function deleteBatch(
  q: Queryable,
  table: { name: string; key: string; where: string },
  cutoff: Date,
  limit: number,
): Promise<number> {
  const { rows } = await q.query(
    `DELETE FROM ${table.name} WHERE ${table.key} IN (
       SELECT ${table.key} FROM ${table.name} WHERE ${table.where} LIMIT $2 FOR UPDATE SKIP LOCKED
     ) RETURNING ${table.key}`,
    [cutoff, limit],
  );
  return rows.length;
}
