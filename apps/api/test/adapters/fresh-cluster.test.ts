import { describe, expect, it } from 'vitest';
import { openEmbeddedDatabase } from '../../src/adapters/postgres/database.ts';
import { migrate } from '../../src/adapters/postgres/migrate.ts';
import { sharedEmbeddedDatabase } from '../support.ts';

// In-memory PGlite starts from a kept copy of a freshly initialised cluster (fresh-cluster.ts):
// each must still be a cluster of its own, empty, that the migrations set up from nothing.
describe('in-memory databases', () => {
  it('when one is opened beside another in use, then it is fresh and separate', async () => {
    const inUse = await sharedEmbeddedDatabase();
    expect((await inUse.query("SELECT 1 FROM pg_tables WHERE tablename = 'users'")).rows).toHaveLength(1);
    const fresh = await openEmbeddedDatabase('memory://');
    try {
      const tables = await fresh.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
      expect(tables.rows).toEqual([]);
      expect((await migrate(fresh)).length).toBeGreaterThanOrEqual(8);
      expect((await fresh.query('SELECT id FROM users')).rows).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
