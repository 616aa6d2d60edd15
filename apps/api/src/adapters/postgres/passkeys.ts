import type { PasskeyDeviceType, PasskeyRecord, PasskeyStore } from '../../passkeys/passkey-store.ts';
import type { Database } from './database.ts';
import { deleteBatch, one, UUID } from './query.ts';

type PasskeyRow = Omit<PasskeyRecord, 'publicKey' | 'counter' | 'deviceType'> & {
  publicKey: Buffer | Uint8Array;
  counter: string | number;
  deviceType: string;
};

const COLUMNS = `id, user_id AS "userId", credential_id AS "credentialId", public_key AS "publicKey", counter, transports,
  device_type AS "deviceType", backed_up AS "backedUp", name, created_at AS "createdAt", last_used_at AS "lastUsedAt"`;

/** bytea comes back as a Buffer from pg and as a Uint8Array from PGlite; bigint as a string from pg. */
const toRecord = (row: PasskeyRow): PasskeyRecord => ({
  ...row,
  publicKey: Buffer.isBuffer(row.publicKey) ? row.publicKey : Buffer.from(row.publicKey),
  counter: Number(row.counter),
  deviceType: row.deviceType as PasskeyDeviceType,
});

/** The passkeys port on PostgreSQL (a server through pg, or embedded PGlite). */
export function createPostgresPasskeyStore(db: Database): PasskeyStore {
  return {
    async createCeremony({ hash, kind, userId, challenge, now, expiresAt }) {
      await db.query(
        `INSERT INTO passkey_ceremonies (ceremony_hash, kind, user_id, challenge, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [hash, kind, userId, challenge, now, expiresAt],
      );
    },

    async consumeCeremony(hash, expected, now) {
      if (expected.userId !== null && !UUID.test(expected.userId)) return null;
      // The condition and the write in one statement: of two requests with one ceremony, one wins.
      const row = await one<{ challenge: string }>(
        db,
        `UPDATE passkey_ceremonies SET used_at = $4
         WHERE ceremony_hash = $1 AND kind = $2 AND user_id IS NOT DISTINCT FROM $3::uuid AND used_at IS NULL AND expires_at > $4
         RETURNING challenge`,
        [hash, expected.kind, expected.userId, now],
      );
      return row?.challenge ?? null;
    },

    deleteExpiredCeremonies: (before, limit) =>
      deleteBatch(db, { name: 'passkey_ceremonies', key: 'ceremony_hash', where: 'expires_at < $1' }, before, limit),

    addPasskey: (passkey, maxPerUser) =>
      db.transaction(async (tx) => {
        // The user's row is locked, so concurrent additions count one after another.
        const owner = await one(tx, 'SELECT id FROM users WHERE id = $1 FOR UPDATE', [passkey.userId]);
        if (!owner) return 'limit';
        const count = await one<{ count: string | number }>(tx, 'SELECT count(*) AS count FROM passkeys WHERE user_id = $1', [
          passkey.userId,
        ]);
        if (Number(count?.count ?? 0) >= maxPerUser) return 'limit';
        const { rows } = await tx.query(
          `INSERT INTO passkeys (id, user_id, credential_id, public_key, counter, transports, device_type, backed_up, name, created_at)
           VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9, $10)
           ON CONFLICT (credential_id) DO NOTHING RETURNING id`,
          [
            passkey.id,
            passkey.userId,
            passkey.credentialId,
            passkey.publicKey,
            passkey.counter,
            passkey.transports,
            passkey.deviceType,
            passkey.backedUp,
            passkey.name,
            passkey.createdAt,
          ],
        );
        return rows.length > 0 ? 'added' : 'duplicate';
      }),

    async listPasskeys(userId) {
      if (!UUID.test(userId)) return [];
      const { rows } = await db.query<PasskeyRow>(`SELECT ${COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
      return rows.map(toRecord);
    },

    async countPasskeys(userId) {
      if (!UUID.test(userId)) return 0;
      const row = await one<{ count: string | number }>(db, 'SELECT count(*) AS count FROM passkeys WHERE user_id = $1', [userId]);
      return Number(row?.count ?? 0);
    },

    async findPasskeyByCredentialId(credentialId) {
      const row = await one<PasskeyRow>(db, `SELECT ${COLUMNS} FROM passkeys WHERE credential_id = $1`, [credentialId]);
      return row ? toRecord(row) : null;
    },

    async renamePasskey(userId, id, name) {
      if (!UUID.test(userId) || !UUID.test(id)) return null;
      const row = await one<PasskeyRow>(db, `UPDATE passkeys SET name = $3 WHERE user_id = $1 AND id = $2 RETURNING ${COLUMNS}`, [
        userId,
        id,
        name,
      ]);
      return row ? toRecord(row) : null;
    },

    async deletePasskey(userId, id) {
      if (!UUID.test(userId) || !UUID.test(id)) return null;
      const row = await one<PasskeyRow>(db, `DELETE FROM passkeys WHERE user_id = $1 AND id = $2 RETURNING ${COLUMNS}`, [userId, id]);
      return row ? toRecord(row) : null;
    },

    async deleteAllPasskeys(userId) {
      if (!UUID.test(userId)) return [];
      const { rows } = await db.query<PasskeyRow>(`DELETE FROM passkeys WHERE user_id = $1 RETURNING ${COLUMNS}`, [userId]);
      return rows.map(toRecord).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },

    async recordPasskeyUse(id, { counter, backedUp, now }) {
      // Forward only, in one statement: of two assertions with one counter value, one wins.
      const { rows } = await db.query(
        `UPDATE passkeys SET counter = $2, backed_up = $3, last_used_at = $4
         WHERE id = $1 AND (counter < $2 OR ($2 = 0 AND counter = 0)) RETURNING id`,
        [id, counter, backedUp, now],
      );
      if (rows.length > 0) return { result: 'used' };
      const stored = await one<{ counter: string | number }>(db, 'SELECT counter FROM passkeys WHERE id = $1', [id]);
      return stored ? { result: 'counter_not_increased', storedCounter: Number(stored.counter) } : { result: 'gone' };
    },
  };
}
