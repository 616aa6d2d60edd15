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

/** A new refresh token for a session, and what the session becomes with it. */
export type Rotation = {
  kind: 'rotate';
  token: NewRefreshToken;
  generation: number;
  rotatedAt: Date;
  lastUsedAt: Date;
  idleExpiresAt: Date;
  userAgent: string | null;
};

/** What the service decided about a presented refresh token, applied by the store in the same transaction. */
export type RefreshDecision = Rotation | { kind: 'revoke'; reason: string; at: Date } | { kind: 'reject' };

/** What an access token needs of its user; read with the session, so a refresh needs no user query. */
export type SessionUser = Pick<UserRecord, 'id' | 'email' | 'name' | 'role'>;

/** `generationTokens`: how many tokens the session has issued at its current generation (grace siblings included). */
export type RefreshState = { session: SessionRecord; token: RefreshTokenRecord; user: SessionUser; generationTokens: number };

/**
 * At most this many tokens per generation: the first, then grace siblings. 25 tabs refreshing at
 * once stay under it; a burst beyond it is no browser, and the service treats it as reuse.
 */
export const MAX_TOKENS_PER_GENERATION = 32;

/**
 * The one narrow port between the API and its data. Every method is one statement or one
 * transaction; the contract test suite runs it against PGlite and a real PostgreSQL.
 */
export type Store = {
  createUser(user: Omit<UserRecord, 'createdAt'> & { now: Date }): Promise<UserRecord | null>;
  findUserByEmail(email: string): Promise<UserRecord | null>;
  findUserById(id: string): Promise<UserRecord | null>;
  updateUserName(id: string, name: string, now: Date): Promise<UserRecord | null>;
  /**
   * Sets the user's password hash and revokes every other active session of theirs, in one
   * transaction; returns the ids revoked. A login verified against the old hash either committed
   * its session before this (and it is revoked here) or creates none (`createSession`).
   */
  changePassword(id: string, passwordHash: string, now: Date, exceptSessionId?: string): Promise<string[]>;
  listUsers(): Promise<UserRecord[]>;

  createSession(session: {
    id: string;
    userId: string;
    now: Date;
    idleExpiresAt: Date;
    absoluteExpiresAt: Date;
    userAgent: string | null;
    token: NewRefreshToken;
    /**
     * The hash the password was verified against. The session is created only if it is still the
     * user's hash when the row is written, so a login that raced a password change cannot outlive it.
     */
    verifiedPasswordHash: string;
  }): Promise<SessionRecord | null>;
  findSession(id: string): Promise<SessionRecord | null>;
  /** The token, its session and the session's user, in one statement and without a lock. */
  findRefreshToken(selector: string): Promise<RefreshState | null>;
  /** A session that a token of this family was issued to (rotation leaves every family its newest rows). */
  findSessionByTokenFamily(family: string): Promise<SessionRecord | null>;
  /**
   * Applies a rotation only if the session is still unrevoked and at `expectedGeneration`: one
   * statement, no transaction, no lock. False, with nothing written, when another request changed
   * the session first, or when a sibling would pass MAX_TOKENS_PER_GENERATION; the caller then
   * decides again on the locked state (`refreshSession`). Either rotation deletes the new token's
   * family's tokens older than the previous generation, so a session's rows stay bounded.
   */
  rotateSessionIfUnchanged(sessionId: string, expectedGeneration: number, rotation: Rotation): Promise<boolean>;
  /**
   * Finds the token by selector, locks its session row, and applies what `decide` returns, all in
   * one transaction: concurrent refreshes of one session are serialised by the row lock, and a
   * failure midway leaves the old state intact (requirement 5.3.4).
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
  /**
   * Deletes up to `limit` sessions (and their tokens) that ended (revoked, idle or absolute end)
   * before `endedBefore`; returns how many. Rows another caller is deleting are skipped, not waited
   * for, so instances running it at once share the work.
   */
  deleteEndedSessions(endedBefore: Date, limit: number): Promise<number>;
  ping(): Promise<void>;
};

const USER_COLUMNS = 'id, email, name, role, password_hash AS "passwordHash", created_at AS "createdAt"';
// Prefixed with a table alias where sessions are joined with other tables.
const sessionColumns = (t = '') => `${t}id, ${t}user_id AS "userId", ${t}created_at AS "createdAt", ${t}last_used_at AS "lastUsedAt",
  ${t}idle_expires_at AS "idleExpiresAt", ${t}absolute_expires_at AS "absoluteExpiresAt", ${t}generation,
  ${t}rotated_at AS "rotatedAt", ${t}revoked_at AS "revokedAt", ${t}user_agent AS "userAgent"`;
const SESSION_COLUMNS = sessionColumns();
// Token, session and user in one row, so the refresh hot path pays one round trip for all three.
const REFRESH_STATE_FROM = `SELECT ${sessionColumns('s.')}, t.selector, t.verifier_hash AS "verifierHash",
    t.generation AS "tokenGeneration", t.created_at AS "tokenCreatedAt", s.generation_tokens AS "generationTokens", u.email, u.name, u.role
  FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
  WHERE t.selector = $1`;
type RefreshRow = SessionRecord &
  Pick<RefreshTokenRecord, 'selector' | 'verifierHash'> &
  Omit<SessionUser, 'id'> & {
    tokenGeneration: number;
    tokenCreatedAt: Date;
    generationTokens: number;
  };

function toRefreshState(row: RefreshRow | null): RefreshState | null {
  if (!row) return null;
  const { selector, verifierHash, tokenGeneration, tokenCreatedAt, generationTokens, email, name, role, ...session } = row;
  return {
    session,
    token: { selector, sessionId: session.id, verifierHash, generation: tokenGeneration, createdAt: tokenCreatedAt },
    user: { id: session.userId, email, name, role },
    generationTokens,
  };
}

// One statement, so the new token and the session's new generation are written together or not at
// all. The generation check makes it a compare-and-set; under READ COMMITTED a concurrent writer's
// commit is waited for and the condition re-checked on the row it left (so concurrent siblings count
// one by one against the cap). The same statement deletes the family's tokens below the previous
// generation: a replay of one of those is recognised by its family, not its row.
const ROTATE = `WITH s AS (
    UPDATE sessions SET generation = $3, rotated_at = $4, last_used_at = $5, idle_expires_at = $6, user_agent = COALESCE($7, user_agent),
      generation_tokens = CASE WHEN generation = $3 THEN generation_tokens + 1 ELSE 1 END
    WHERE id = $1 AND generation = $2 AND revoked_at IS NULL AND (generation <> $3 OR generation_tokens < $10) RETURNING id
  ), pruned AS (
    DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM s) AND family = left($8::text, 16) AND generation < $3::int - 1
  )
  INSERT INTO refresh_tokens (selector, session_id, verifier_hash, generation, created_at)
  SELECT $8, id, $9, $3, $5 FROM s RETURNING selector`;
const rotateParams = (sessionId: string, expectedGeneration: number, r: Rotation) => [
  sessionId,
  expectedGeneration,
  r.generation,
  r.rotatedAt,
  r.lastUsedAt,
  r.idleExpiresAt,
  r.userAgent,
  r.token.selector,
  r.token.verifierHash,
  MAX_TOKENS_PER_GENERATION,
];
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

    listUsers: async () => (await db.query<UserRecord>(`SELECT ${USER_COLUMNS} FROM users ORDER BY created_at, email`)).rows,

    createSession: ({ id, userId, now, idleExpiresAt, absoluteExpiresAt, userAgent, token, verifiedPasswordHash }) =>
      // One statement writes both rows or neither; the token's foreign key is checked at its end.
      // FOR SHARE holds the user row against a concurrent password change (changePassword); if the
      // change committed first, PostgreSQL re-reads the row, the hash no longer matches, and no
      // session is written.
      one<SessionRecord>(
        db,
        `WITH u AS (
           SELECT id FROM users WHERE id = $2 AND password_hash = $9 FOR SHARE
         ), s AS (
           INSERT INTO sessions (id, user_id, created_at, last_used_at, idle_expires_at, absolute_expires_at, rotated_at, user_agent)
           SELECT $1, u.id, $3, $3, $4, $5, $3, $6 FROM u RETURNING ${SESSION_COLUMNS}
         ), t AS (
           INSERT INTO refresh_tokens (selector, session_id, verifier_hash, generation, created_at) SELECT $7, id, $8, 0, $3 FROM s
         )
         SELECT * FROM s`,
        [id, userId, now, idleExpiresAt, absoluteExpiresAt, userAgent, token.selector, token.verifierHash, verifiedPasswordHash],
      ),

    findSession: async (id) =>
      UUID.test(id) ? one<SessionRecord>(db, `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1`, [id]) : null,

    findRefreshToken: async (selector) => toRefreshState(await one<RefreshRow>(db, REFRESH_STATE_FROM, [selector])),

    findSessionByTokenFamily: (family) =>
      one<SessionRecord>(
        db,
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = (SELECT session_id FROM refresh_tokens WHERE family = $1 LIMIT 1)`,
        [family],
      ),

    async rotateSessionIfUnchanged(sessionId, expectedGeneration, rotation) {
      const { rows } = await db.query(ROTATE, rotateParams(sessionId, expectedGeneration, rotation));
      return rows.length > 0;
    },

    refreshSession: (selector, decide) =>
      db.transaction(async (tx) => {
        // The lock is what makes concurrent refreshes of one session take turns. After waiting for
        // it, PostgreSQL returns the session row as the previous holder committed it.
        const state = toRefreshState(await one<RefreshRow>(tx, `${REFRESH_STATE_FROM} FOR UPDATE OF s`, [selector]));
        const decision = decide(state);
        if (!state) return { decision, state };
        if (decision.kind === 'rotate') {
          const { rows } = await tx.query(ROTATE, rotateParams(state.session.id, state.session.generation, decision));
          // Under the lock the generation cannot have moved; a rotation of a revoked session is a bug upstream.
          if (rows.length === 0) throw new Error('refreshSession: the locked session refused the rotation');
        } else if (decision.kind === 'revoke') {
          await tx.query('UPDATE sessions SET revoked_at = $3, revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL', [
            state.session.id,
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

    async deleteEndedSessions(endedBefore, limit) {
      // SKIP LOCKED: a second instance running at the same moment takes other rows instead of
      // waiting for these, and a session row locked by a refresh is simply left for the next run.
      const { rows } = await db.query(
        `DELETE FROM sessions WHERE id IN (
           SELECT id FROM sessions
           WHERE LEAST(idle_expires_at, absolute_expires_at, COALESCE(revoked_at, 'infinity'::timestamptz)) < $1
           LIMIT $2 FOR UPDATE SKIP LOCKED
         ) RETURNING id`,
        [endedBefore, limit],
      );
      return rows.length;
    },

    async ping() {
      await db.query('SELECT 1');
    },
  };
}
