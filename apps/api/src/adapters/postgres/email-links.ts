import type { EmailLinkRecord, EmailLinkStore } from '../../email-links/email-links.ts';
import type { Database } from './database.ts';
import { deleteBatch, one } from './query.ts';

const LINK_COLUMNS = `token_hash AS "tokenHash", user_id AS "userId", purpose, email, password_fingerprint AS "passwordFingerprint",
  created_at AS "createdAt", expires_at AS "expiresAt", used_at AS "usedAt"`;

/** The email links port on PostgreSQL (a server through pg, or embedded PGlite). */
export function createPostgresEmailLinkStore(db: Database): EmailLinkStore {
  return {
    async createEmailLink(link) {
      await db.query(
        `INSERT INTO email_links (token_hash, user_id, purpose, email, password_fingerprint, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [link.tokenHash, link.userId, link.purpose, link.email, link.passwordFingerprint, link.createdAt, link.expiresAt],
      );
    },

    findEmailLink: (tokenHash, purpose) =>
      one<EmailLinkRecord>(db, `SELECT ${LINK_COLUMNS} FROM email_links WHERE token_hash = $1 AND purpose = $2`, [tokenHash, purpose]),

    async useEmailLink(tokenHash, now) {
      const { rows } = await db.query(
        'UPDATE email_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL RETURNING token_hash',
        [tokenHash, now],
      );
      return rows.length > 0;
    },

    deleteExpiredEmailLinks: (expiredBefore, limit) =>
      deleteBatch(db, { name: 'email_links', key: 'token_hash', where: 'expires_at < $1' }, expiredBefore, limit),
  };
}
