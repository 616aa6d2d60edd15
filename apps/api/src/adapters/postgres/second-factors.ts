import type { SecondFactorStore, TotpFactorRecord } from '../../second-factor/second-factor-store.ts';
import type { Database, Queryable } from './database.ts';
import { deleteBatch, one, UUID } from './query.ts';

type TotpRow = Omit<TotpFactorRecord, 'lastUsedStep'> & { lastUsedStep: string | number | null };

const TOTP_COLUMNS = `user_id AS "userId", secret_encrypted AS "secretEncrypted", created_at AS "createdAt",
  confirmed_at AS "confirmedAt", last_used_step AS "lastUsedStep"`;

/** bytea comes back as a Buffer from pg and as a Uint8Array from PGlite. */
const toBuffer = (value: Buffer | Uint8Array) => (Buffer.isBuffer(value) ? value : Buffer.from(value));

async function insertRecoveryCodes(tx: Queryable, userId: string, hashes: Buffer[], now: Date): Promise<void> {
  await tx.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  await tx.query(
    // Hex text, not bytea[]: pg and PGlite write a text array alike.
    `INSERT INTO recovery_codes (user_id, code_hash, created_at)
     SELECT $1, decode(hash, 'hex'), $3 FROM unnest($2::text[]) AS hash ON CONFLICT DO NOTHING`,
    [userId, hashes.map((hash) => hash.toString('hex')), now],
  );
}

/** The second-factor port on PostgreSQL (a server through pg, or embedded PGlite). */
export function createPostgresSecondFactorStore(db: Database): SecondFactorStore {
  return {
    async summarize(userId) {
      const row = UUID.test(userId)
        ? await one<{ confirmedAt: Date | null; codes: string | number }>(
            db,
            `SELECT confirmed_at AS "confirmedAt",
               (SELECT count(*) FROM recovery_codes r WHERE r.user_id = t.user_id AND r.used_at IS NULL) AS codes
             FROM totp_factors t WHERE t.user_id = $1`,
            [userId],
          )
        : null;
      if (!row) return { totpConfirmedAt: null, totpPending: false, recoveryCodesLeft: 0 };
      return { totpConfirmedAt: row.confirmedAt, totpPending: row.confirmedAt === null, recoveryCodesLeft: Number(row.codes) };
    },

    async findTotpFactor(userId) {
      if (!UUID.test(userId)) return null;
      const row = await one<TotpRow>(db, `SELECT ${TOTP_COLUMNS} FROM totp_factors WHERE user_id = $1`, [userId]);
      if (!row) return null;
      return {
        ...row,
        secretEncrypted: toBuffer(row.secretEncrypted),
        lastUsedStep: row.lastUsedStep === null ? null : Number(row.lastUsedStep),
      };
    },

    async savePendingTotp(userId, secretEncrypted, now) {
      // A confirmed factor is left alone (no row returned); a pending one is replaced.
      const { rows } = await db.query(
        `INSERT INTO totp_factors (user_id, secret_encrypted, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET secret_encrypted = EXCLUDED.secret_encrypted, created_at = EXCLUDED.created_at
         WHERE totp_factors.confirmed_at IS NULL
         RETURNING user_id`,
        [userId, secretEncrypted, now],
      );
      return rows.length > 0;
    },

    confirmTotp: (userId, secretEncrypted, step, recoveryCodeHashes, now) =>
      db.transaction(async (tx) => {
        const { rows } = await tx.query(
          `UPDATE totp_factors SET confirmed_at = $3, last_used_step = $4
           WHERE user_id = $1 AND confirmed_at IS NULL AND secret_encrypted = $2 RETURNING user_id`,
          [userId, secretEncrypted, now, step],
        );
        if (rows.length === 0) return false;
        await insertRecoveryCodes(tx, userId, recoveryCodeHashes, now);
        return true;
      }),

    deleteTotp: (userId) =>
      db.transaction(async (tx) => {
        if (!UUID.test(userId)) return false;
        const { rows } = await tx.query('DELETE FROM totp_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL RETURNING user_id', [
          userId,
        ]);
        if (rows.length === 0) return false;
        await tx.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
        return true;
      }),

    async useTotpStep(userId, step) {
      // The condition and the write in one statement: of two requests with one code, one wins.
      const { rows } = await db.query(
        `UPDATE totp_factors SET last_used_step = $2
         WHERE user_id = $1 AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $2) RETURNING user_id`,
        [userId, step],
      );
      return rows.length > 0;
    },

    replaceRecoveryCodes: (userId, hashes, now) =>
      db.transaction(async (tx) => {
        // The factor's row is locked, so a removal at the same moment either comes first (no codes
        // made) or waits and deletes these too.
        const factor = await one(tx, 'SELECT user_id FROM totp_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL FOR UPDATE', [
          userId,
        ]);
        if (!factor) return false;
        await insertRecoveryCodes(tx, userId, hashes, now);
        return true;
      }),

    async useRecoveryCode(userId, hash, now) {
      if (!UUID.test(userId)) return false;
      const { rows } = await db.query(
        'UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING user_id',
        [userId, hash, now],
      );
      return rows.length > 0;
    },

    async createChallenge({ hash, userId, passwordFingerprint, now, expiresAt }) {
      await db.query(
        `INSERT INTO sign_in_challenges (challenge_hash, user_id, password_fingerprint, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [hash, userId, passwordFingerprint, now, expiresAt],
      );
    },

    async findChallengeUser(hash) {
      const row = await one<{ userId: string }>(db, 'SELECT user_id AS "userId" FROM sign_in_challenges WHERE challenge_hash = $1', [hash]);
      return row?.userId ?? null;
    },

    async findLiveChallengeUser(hash, now, maxAttempts) {
      const row = await one<{ userId: string }>(
        db,
        `SELECT user_id AS "userId" FROM sign_in_challenges
         WHERE challenge_hash = $1 AND used_at IS NULL AND expires_at > $2 AND attempts < $3`,
        [hash, now, maxAttempts],
      );
      return row?.userId ?? null;
    },

    claimChallenge: (hash, now, maxAttempts) =>
      one(
        db,
        `UPDATE sign_in_challenges SET attempts = attempts + 1
         WHERE challenge_hash = $1 AND used_at IS NULL AND expires_at > $2 AND attempts < $3
         RETURNING user_id AS "userId", password_fingerprint AS "passwordFingerprint", attempts`,
        [hash, now, maxAttempts],
      ),

    async consumeChallenge(hash, now) {
      const { rows } = await db.query(
        'UPDATE sign_in_challenges SET used_at = $2 WHERE challenge_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id',
        [hash, now],
      );
      return rows.length > 0;
    },

    deleteExpiredChallenges: (before, limit) =>
      deleteBatch(db, { name: 'sign_in_challenges', key: 'challenge_hash', where: 'expires_at < $1' }, before, limit),
  };
}
