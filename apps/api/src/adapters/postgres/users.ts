import type { UserRecord, UserStore } from '../../users/users.ts';
import type { Database } from './database.ts';
import { one, UUID } from './query.ts';

const USER_COLUMNS =
  'id, email, name, role, password_hash AS "passwordHash", email_verified_at AS "emailVerifiedAt", disabled_at AS "disabledAt", created_at AS "createdAt"';

/** The users port on PostgreSQL (a server through pg, or embedded PGlite). */
export function createPostgresUserStore(db: Database): UserStore {
  return {
    createUser: ({ id, email, name, role, passwordHash, now, emailVerifiedAt }) =>
      one<UserRecord>(
        db,
        `INSERT INTO users (id, email, name, role, password_hash, email_verified_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $7, $6, $6) ON CONFLICT (email) DO NOTHING RETURNING ${USER_COLUMNS}`,
        [id, email, name, role, passwordHash, now, emailVerifiedAt ?? null],
      ),

    findUserByEmail: (email) => one<UserRecord>(db, `SELECT ${USER_COLUMNS} FROM users WHERE email = $1`, [email]),

    findUserById: async (id) => (UUID.test(id) ? one<UserRecord>(db, `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]) : null),

    updateUserName: (id, name, now) =>
      one<UserRecord>(db, `UPDATE users SET name = $2, updated_at = $3 WHERE id = $1 RETURNING ${USER_COLUMNS}`, [id, name, now]),

    changePassword: (id, passwordHash, now, exceptSessionId) =>
      db.transaction(async (tx) => {
        // Two statements, not one: the UPDATE waits for a login holding the user row (createSession),
        // and only a later statement's snapshot sees the session that login committed meanwhile.
        await tx.query('UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1', [id, passwordHash, now]);
        const { rows } = await tx.query<{ id: string }>(
          `UPDATE sessions SET revoked_at = $2, revoked_reason = 'password_changed'
           WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3) RETURNING id`,
          [id, now, exceptSessionId ?? null],
        );
        return rows.map((r) => r.id);
      }),

    async listUsers({ search, after, limit }) {
      // Taken literally: %, _ and \ in the search are escaped for LIKE.
      const pattern = search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
      const { rows } = await db.query<UserRecord>(
        `SELECT ${USER_COLUMNS} FROM users
         WHERE ($1::text IS NULL OR email ILIKE $1 OR name ILIKE $1)
           AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3::uuid))
         ORDER BY created_at, id LIMIT $4`,
        [pattern, after?.createdAt ?? null, after?.id ?? null, limit],
      );
      return rows;
    },

    async markEmailVerified(id, email, now) {
      if (!UUID.test(id)) return false;
      const { rows } = await db.query(
        `UPDATE users SET email_verified_at = COALESCE(email_verified_at, $3), updated_at = $3 WHERE id = $1 AND email = $2 RETURNING id`,
        [id, email, now],
      );
      return rows.length > 0;
    },

    deleteUser: async (id) =>
      UUID.test(id)
        ? db.transaction(async (tx) => {
            const { rows: admins } = await tx.query<{ id: string }>(
              "SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE",
            );
            if (admins.length === 1 && admins[0]?.id === id) return 'last_admin' as const;
            const { rows } = await tx.query<{ id: string }>(
              'SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL FOR UPDATE',
              [id],
            );
            const deleted = await tx.query('DELETE FROM users WHERE id = $1 RETURNING id', [id]);
            return deleted.rows.length > 0 ? rows.map((r) => r.id) : null;
          })
        : null,

    async changeEmail(id, newEmail, now) {
      if (!UUID.test(id)) return null;
      try {
        return await db.transaction(async (tx) => {
          const current = await one<{ email: string }>(tx, 'SELECT email FROM users WHERE id = $1 FOR UPDATE', [id]);
          if (!current) return null;
          if (current.email === newEmail) return { previousEmail: current.email };
          // Asked first for a clear answer; an account that takes the address in between makes the
          // UPDATE fail on the unique index (23505), answered the same way below.
          if (await one(tx, 'SELECT 1 FROM users WHERE email = $1', [newEmail])) return 'email_taken';
          await tx.query('UPDATE users SET email = $2, email_verified_at = $3, updated_at = $3 WHERE id = $1', [id, newEmail, now]);
          return { previousEmail: current.email };
        });
      } catch (error) {
        if ((error as { code?: unknown }).code === '23505') return 'email_taken';
        throw error;
      }
    },

    async updateUserAccess(id, change, now) {
      if (!UUID.test(id)) return null;
      return db.transaction(async (tx) => {
        // Every enabled admin, locked: concurrent changes to admins take turns here.
        const { rows: admins } = await tx.query<{ id: string }>(
          "SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE",
        );
        const user = await one<UserRecord>(tx, `SELECT ${USER_COLUMNS} FROM users WHERE id = $1 FOR UPDATE`, [id]);
        if (!user) return null;
        const role = change.role ?? user.role;
        const disabledAt = change.disabled === undefined ? user.disabledAt : change.disabled ? (user.disabledAt ?? now) : null;
        const staysAdmin = role === 'admin' && disabledAt === null;
        if (!staysAdmin && admins.length === 1 && admins[0]?.id === id) return 'last_admin';
        const updated = (await one<UserRecord>(
          tx,
          `UPDATE users SET role = $2, disabled_at = $3, updated_at = $4 WHERE id = $1 RETURNING ${USER_COLUMNS}`,
          [id, role, disabledAt, now],
        )) as UserRecord;
        const { rows } = await tx.query<{ id: string }>(
          `UPDATE sessions SET revoked_at = $2, revoked_reason = 'access_changed' WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
          [id, now],
        );
        return { user: updated, endedSessionIds: rows.map((r) => r.id) };
      });
    },
  };
}
