import type { ApiTokenRecord, ApiTokenStore, ApiTokenWithOwner } from '../../api-tokens/api-tokens.ts';
import type { Database } from './database.ts';
import { deleteBatch, one, UUID } from './query.ts';

const COLUMNS = `t.id, t.user_id AS "userId", t.name, t.scopes, t.display_prefix AS "displayPrefix", t.token_hash AS "tokenHash",
  t.created_at AS "createdAt", t.expires_at AS "expiresAt", t.last_used_at AS "lastUsedAt", t.last_used_ip AS "lastUsedIp",
  t.revoked_at AS "revokedAt"`;
const KNOWN_IPS = 20;

// PGlite returns bytea as a Uint8Array, pg as a Buffer: the port promises a Buffer.
const withBuffer = <T extends { tokenHash: Uint8Array }>(row: T): T & { tokenHash: Buffer } => ({
  ...row,
  tokenHash: Buffer.isBuffer(row.tokenHash) ? row.tokenHash : Buffer.from(row.tokenHash),
});

/** The API tokens' port on PostgreSQL (a server through pg, or embedded PGlite). */
export function createPostgresApiTokenStore(db: Database): ApiTokenStore {
  return {
    createApiToken(token, { maxLive, now }) {
      return db.transaction(async (tx) => {
        // The owner's row is the lock that makes concurrent creations take turns over the count.
        const owner = await one(tx, 'SELECT id FROM users WHERE id = $1 FOR UPDATE', [token.userId]);
        if (!owner) return 'limit_reached';
        const live = await one<{ count: number }>(
          tx,
          'SELECT count(*)::int AS count FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2',
          [token.userId, now],
        );
        if ((live?.count ?? 0) >= maxLive) return 'limit_reached';
        await tx.query(
          `INSERT INTO api_tokens (id, user_id, name, scopes, display_prefix, token_hash, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [token.id, token.userId, token.name, token.scopes, token.displayPrefix, token.tokenHash, token.createdAt, token.expiresAt],
        );
        return 'created';
      });
    },

    async findApiTokensByHash(tokenHashes) {
      if (tokenHashes.length === 0) return [];
      const { rows } = await db.query<ApiTokenRecord & { owner: ApiTokenWithOwner['owner'] }>(
        `SELECT ${COLUMNS}, json_build_object('role', u.role, 'emailVerified', u.email_verified_at IS NOT NULL,
                'disabled', u.disabled_at IS NOT NULL) AS owner
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ANY (ARRAY(SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h))`,
        // Hex text: pg and PGlite encode an array of binary values differently, an array of text alike.
        [tokenHashes.map((hash) => hash.toString('hex'))],
      );
      return rows.map(withBuffer);
    },

    async listApiTokens(userId) {
      if (!UUID.test(userId)) return [];
      const { rows } = await db.query<ApiTokenRecord>(
        `SELECT ${COLUMNS} FROM api_tokens t WHERE t.user_id = $1 AND t.revoked_at IS NULL ORDER BY t.created_at DESC, t.id DESC`,
        [userId],
      );
      return rows.map(withBuffer);
    },

    async revokeApiToken(userId, tokenId, at) {
      if (!UUID.test(userId) || !UUID.test(tokenId)) return null;
      const row = await one<ApiTokenRecord>(
        db,
        `UPDATE api_tokens t SET revoked_at = $3 WHERE t.id = $2 AND t.user_id = $1 AND t.revoked_at IS NULL RETURNING ${COLUMNS}`,
        [userId, tokenId, at],
      );
      return row ? withBuffer(row) : null;
    },

    async revokeUserApiTokens(userId, at) {
      if (!UUID.test(userId)) return [];
      const { rows } = await db.query<ApiTokenRecord>(
        `UPDATE api_tokens t SET revoked_at = $2 WHERE t.user_id = $1 AND t.revoked_at IS NULL RETURNING ${COLUMNS}`,
        [userId, at],
      );
      return rows.map(withBuffer);
    },

    async recordApiTokenUse(tokenId, { at, ip }) {
      // The row lock orders two instances' updates; the one that adds the address says it was new.
      const row = await one<{ newIp: boolean }>(
        db,
        `WITH before AS (SELECT id, NOT ($3 = ANY (known_ips)) AS new_ip FROM api_tokens WHERE id = $1 FOR UPDATE)
         UPDATE api_tokens t SET last_used_at = GREATEST(t.last_used_at, $2), last_used_ip = $3,
           known_ips = CASE WHEN before.new_ip
             THEN (array_append(t.known_ips, $3))[greatest(1, cardinality(t.known_ips) + 2 - ${KNOWN_IPS}):]
             ELSE t.known_ips END
         FROM before WHERE t.id = before.id RETURNING before.new_ip AS "newIp"`,
        [tokenId, at, ip],
      );
      return { newIp: row?.newIp ?? false };
    },

    async noteExpiredApiTokens({ after, until }, limit) {
      const { rows } = await db.query<ApiTokenRecord>(
        `UPDATE api_tokens t SET expiry_noted = true WHERE t.id IN (
           SELECT id FROM api_tokens WHERE NOT expiry_noted AND expires_at > $1 AND expires_at <= $2 AND revoked_at IS NULL
           LIMIT $3 FOR UPDATE SKIP LOCKED
         ) RETURNING ${COLUMNS}`,
        [after, until, limit],
      );
      return rows.map(withBuffer);
    },

    deleteEndedApiTokens: (before, limit) =>
      deleteBatch(db, { name: 'api_tokens', key: 'id', where: 'LEAST(revoked_at, expires_at) < $1' }, before, limit),
  };
}
