import type { Queryable } from './database.ts';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The first row of a query, or null. */
export async function one<T>(q: Queryable, text: string, params: unknown[]): Promise<T | null> {
  const { rows } = await q.query<T>(text, params);
  return rows[0] ?? null;
}
