import type { Role } from '@spa-auth/contract';
import type { Database, Queryable } from './db.ts';

export type UserRecord = {
  id: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
};

export type SessionRecord = {
  id: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  generation: number;
  rotatedAt: Date;
  revokedAt: Date | null;
  userAgent: string | null;
};

export type RefreshTokenRecord = {
  selector: string;
  sessionId: string;
  verifierHash: string;
  generation: number;
  createdAt: Date;
};

export type NewRefreshToken = { selector: string; verifierHash: string };

/** What the service decided about a presented refresh token, applied by the store in the same transaction. */
export type RefreshDecision =
  | {
      kind: 'rotate';
      token: NewRefreshToken;
      generation: number;
      rotatedAt: Date;
      lastUsedAt: Date;
      idleExpiresAt: Date;
      userAgent: string | null;
    }
  | { kind: 'revoke'; reason: string; at: Date }
  | { kind: 'reject' };

export type RefreshState = { session: SessionRecord; token: RefreshTokenRecord };

/**
 * The one narrow port between the API and its data. Every method is one statement or one
 * transaction; the contract test suite runs it against PGlite and a real PostgreSQL.
 */
export type Store = {
  createUser(user: Omit<UserRecord, 'createdAt'> & { now: Date }): Promise<UserRecord | null>;
  findUserByEmail(email: string): Promise<UserRecord | null>;
  findUserById(id: string): Promise<UserRecord | null>;
  updateUserName(id: string, name: string, now: Date): Promise<UserRecord | null>;
  updateUserPassword(id: string, passwordHash: string, now: Date): Promise<void>;
  listUsers(): Promise<UserRecord[]>;

  createSession(session: {
    id: string;
    userId: string;
    now: Date;
    idleExpiresAt: Date;
    absoluteExpiresAt: Date;
    userAgent: string | null;
    token: NewRefreshToken;
  }): Promise<SessionRecord>;
  findSession(id: string): Promise<SessionRecord | null>;
  findRefreshToken(selector: string): Promise<RefreshState | null>;
  /**
   * Finds the token by selector, locks its session row, and applies what `decide` returns, all in
   * one transaction: concurrent refreshes of one session are serialised by the row lock, and a
   * failure midway leaves the old state intact (contract 5.3.4).
   */
  refreshSession(
    selector: string,
    decide: (state: RefreshState | null) => RefreshDecision,
  ): Promise<{ decision: RefreshDecision; state: RefreshState | null }>;
  listActiveSessions(userId: string, now: Date): Promise<SessionRecord[]>;
  /** Revokes one active session; only the user's own when userId is given. True if it was active. */
  revokeSession(id: string, reason: string, now: Date, userId?: string): Promise<boolean>;
  /** Revokes every active session of the user except one; returns the ids revoked. */
  revokeUserSessions(userId: string, reason: string, now: Date, exceptSessionId?: string): Promise<string[]>;
  ping(): Promise<void>;
};

const USER_COLUMNS = 'id, email, name, role, password_hash AS "passwordHash", created_at AS "createdAt"';
const SESSION_COLUMNS = `id, user_id AS "userId", created_at AS "createdAt", last_used_at AS "lastUsedAt",
  idle_expires_at AS "idleExpiresAt", absolute_expires_at AS "absoluteExpiresAt", generation,
  rotated_at AS "rotatedAt", revoked_at AS "revokedAt", user_agent AS "userAgent"`;
const TOKEN_COLUMNS = `selector, session_id AS "sessionId", verifier_hash AS "verifierHash", generation,
  created_at AS "createdAt"`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function one<T>(q: Queryable, text: string, params: unknown[]): Promise<T | null> {
  const { rows } = await q.query<T>(text, params);
  return rows[0] ?? null;
}

export function createSqlStore(db: Database): Store {
  return {
    createUser: ({ id, email, name, role, passwordHash, now }) =>
      one<UserRecord>(
        db,
        `INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (email) DO NOTHING RETURNING ${USER_COLUMNS}`,
        [id, email, name, role, passwordHash, now],
      ),

    findUserByEmail: (email) => one<UserRecord>(db, `SELECT ${USER_COLUMNS} FROM users WHERE email = $1`, [email]),

    findUserById: async (id) => (UUID.test(id) ? one<UserRecord>(db, `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]) : null),

    updateUserName: (id, name, now) =>
      one<UserRecord>(db, `UPDATE users SET name = $2, updated_at = $3 WHERE id = $1 RETURNING ${USER_COLUMNS}`, [id, name, now]),

    async updateUserPassword(id, passwordHash, now) {
      await db.query('UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1', [id, passwordHash, now]);
    },

    listUsers: async () => (await db.query<UserRecord>(`SELECT ${USER_COLUMNS} FROM users ORDER BY created_at, email`)).rows,

    createSession: ({ id, userId, now, idleExpiresAt, absoluteExpiresAt, userAgent, token }) =>
      db.transaction(async (tx) => {
        const session = await one<SessionRecord>(
          tx,
          `INSERT INTO sessions (id, user_id, created_at, last_used_at, idle_expires_at, absolute_expires_at, rotated_at, user_agent)
           VALUES ($1, $2, $3, $3, $4, $5, $3, $6) RETURNING ${SESSION_COLUMNS}`,
          [id, userId, now, idleExpiresAt, absoluteExpiresAt, userAgent],
        );
        await tx.query(
          'INSERT INTO refresh_tokens (selector, session_id, verifier_hash, generation, created_at) VALUES ($1, $2, $3, 0, $4)',
          [token.selector, id, token.verifierHash, now],
        );
        return session as SessionRecord;
      }),

    findSession: async (id) =>
      UUID.test(id) ? one<SessionRecord>(db, `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1`, [id]) : null,

    async findRefreshToken(selector) {
      const token = await one<RefreshTokenRecord>(db, `SELECT ${TOKEN_COLUMNS} FROM refresh_tokens WHERE selector = $1`, [selector]);
      const session = token && (await one<SessionRecord>(db, `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1`, [token.sessionId]));
      return token && session ? { token, session } : null;
    },

    refreshSession: (selector, decide) =>
      db.transaction(async (tx) => {
        const found = await one<{ sessionId: string }>(tx, 'SELECT session_id AS "sessionId" FROM refresh_tokens WHERE selector = $1', [
          selector,
        ]);
        if (!found) return { decision: decide(null), state: null };
        // The lock is what makes concurrent refreshes of one session take turns.
        const session = await one<SessionRecord>(tx, `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1 FOR UPDATE`, [found.sessionId]);
        const token = await one<RefreshTokenRecord>(tx, `SELECT ${TOKEN_COLUMNS} FROM refresh_tokens WHERE selector = $1`, [selector]);
        if (!session || !token) return { decision: decide(null), state: null };
        const state = { session, token };
        const decision = decide(state);
        if (decision.kind === 'rotate') {
          await tx.query(
            'INSERT INTO refresh_tokens (selector, session_id, verifier_hash, generation, created_at) VALUES ($1, $2, $3, $4, $5)',
            [decision.token.selector, session.id, decision.token.verifierHash, decision.generation, decision.lastUsedAt],
          );
          await tx.query(
            `UPDATE sessions SET generation = $2, rotated_at = $3, last_used_at = $4, idle_expires_at = $5,
               user_agent = COALESCE($6, user_agent) WHERE id = $1`,
            [session.id, decision.generation, decision.rotatedAt, decision.lastUsedAt, decision.idleExpiresAt, decision.userAgent],
          );
        } else if (decision.kind === 'revoke') {
          await tx.query('UPDATE sessions SET revoked_at = $3, revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL', [
            session.id,
            decision.reason,
            decision.at,
          ]);
        }
        return { decision, state };
      }),

    listActiveSessions: async (userId, now) =>
      (
        await db.query<SessionRecord>(
          `SELECT ${SESSION_COLUMNS} FROM sessions
           WHERE user_id = $1 AND revoked_at IS NULL AND idle_expires_at > $2 AND absolute_expires_at > $2
           ORDER BY last_used_at DESC`,
          [userId, now],
        )
      ).rows,

    async revokeSession(id, reason, now, userId) {
      if (!UUID.test(id)) return false;
      const { rows } = await db.query(
        `UPDATE sessions SET revoked_at = $3, revoked_reason = $2
         WHERE id = $1 AND revoked_at IS NULL AND ($4::uuid IS NULL OR user_id = $4) RETURNING id`,
        [id, reason, now, userId ?? null],
      );
      return rows.length > 0;
    },

    async revokeUserSessions(userId, reason, now, exceptSessionId) {
      const { rows } = await db.query<{ id: string }>(
        `UPDATE sessions SET revoked_at = $3, revoked_reason = $2
         WHERE user_id = $1 AND revoked_at IS NULL AND ($4::uuid IS NULL OR id <> $4) RETURNING id`,
        [userId, reason, now, exceptSessionId ?? null],
      );
      return rows.map((r) => r.id);
    },

    async ping() {
      await db.query('SELECT 1');
    },
  };
}
