import type { ServiceClientRecord, ServiceClientStore } from '../../service-clients/service-clients.ts';
import type { Database } from './database.ts';
import { one, UUID } from './query.ts';

const COLUMNS = `id, name, secret_hash AS "secretHash", created_by AS "createdBy", created_at AS "createdAt",
  last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

// PGlite returns bytea as a Uint8Array, pg as a Buffer: the port promises a Buffer.
const withBuffer = (row: ServiceClientRecord): ServiceClientRecord => ({
  ...row,
  secretHash: Buffer.isBuffer(row.secretHash) ? row.secretHash : Buffer.from(row.secretHash),
});

/** The service clients' port on PostgreSQL (a server through pg, or embedded PGlite). */
export function createPostgresServiceClientStore(db: Database): ServiceClientStore {
  return {
    async createServiceClient(client) {
      await db.query('INSERT INTO service_clients (id, name, secret_hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5)', [
        client.id,
        client.name,
        client.secretHash,
        client.createdBy,
        client.createdAt,
      ]);
    },

    async findServiceClient(id) {
      if (!UUID.test(id)) return null;
      const row = await one<ServiceClientRecord>(db, `SELECT ${COLUMNS} FROM service_clients WHERE id = $1`, [id]);
      return row ? withBuffer(row) : null;
    },

    async listServiceClients() {
      const { rows } = await db.query<ServiceClientRecord>(
        `SELECT ${COLUMNS} FROM service_clients WHERE revoked_at IS NULL ORDER BY created_at DESC, id DESC`,
        [],
      );
      return rows.map(withBuffer);
    },

    async revokeServiceClient(id, at) {
      if (!UUID.test(id)) return null;
      const row = await one<ServiceClientRecord>(
        db,
        `UPDATE service_clients SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
        [id, at],
      );
      return row ? withBuffer(row) : null;
    },

    async recordServiceClientUse(id, at) {
      await db.query('UPDATE service_clients SET last_used_at = GREATEST(last_used_at, $2) WHERE id = $1', [id, at]);
    },
  };
}
