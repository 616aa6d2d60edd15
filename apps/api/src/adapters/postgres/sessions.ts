import {
  MAX_TOKENS_PER_GENERATION,
  type RefreshState,
  type RefreshTokenRecord,
  type Rotation,
  type SessionRecord,
  type SessionStore,
} from '../../auth/session-store.ts';
import type { PublicUserRecord } from '../../users/users.ts';
import type { Database } from './database.ts';
import { deleteBatch, one, UUID } from './query.ts';

// Prefixed with a table alias where sessions are joined with other tables.
const sessionColumns = (t = '') => `${t}id, ${t}user_id AS "userId", ${t}created_at AS "createdAt", ${t}last_used_at AS "lastUsedAt",
  ${t}idle_expires_at AS "idleExpiresAt", ${t}absolute_expires_at AS "absoluteExpiresAt", ${t}generation,
  ${t}rotated_at AS "rotatedAt", ${t}revoked_at AS "revokedAt", ${t}user_agent AS "userAgent", ${t}authenticated_at AS "authenticatedAt",
  ${t}amr`;
const SESSION_COLUMNS = sessionColumns();
// Token, session and user in one row, so the refresh hot path pays one round trip for all three.
const REFRESH_STATES = `SELECT ${sessionColumns('s.')}, t.selector, t.verifier_hash AS "verifierHash",
    t.generation AS "tokenGeneration", t.created_at AS "tokenCreatedAt", s.generation_tokens AS "tokensAtGeneration", u.email, u.name, u.role,
    u.email_verified_at AS "emailVerifiedAt", u.disabled_at AS "disabledAt"
  FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id`;
type RefreshRow = SessionRecord &
  Pick<RefreshTokenRecord, 'selector' | 'verifierHash'> &
  Omit<PublicUserRecord, 'id'> & {
    tokenGeneration: number;
    tokenCreatedAt: Date;
    tokensAtGeneration: number;
  };

function toRefreshState(row: RefreshRow): RefreshState {
  const {
    selector,
    verifierHash,
    tokenGeneration,
    tokenCreatedAt,
    tokensAtGeneration,
    email,
    name,
    role,
    emailVerifiedAt,
    disabledAt,
    ...session
  } = row;
  return {
    session,
    token: { selector, sessionId: session.id, verifierHash, generation: tokenGeneration, createdAt: tokenCreatedAt },
    user: { id: session.userId, email, name, role, emailVerifiedAt, disabledAt },
    tokensAtGeneration,
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

/** When a session ended: idle, at its absolute end, or revoked, whichever came first. */
const ENDED_AT = "LEAST(idle_expires_at, absolute_expires_at, COALESCE(revoked_at, 'infinity'::timestamptz))";

/** The sessions port on PostgreSQL (a server through pg, or embedded PGlite). */
export function createPostgresSessionStore(db: Database): SessionStore {
  return {
    createSession: ({ id, userId, now, idleExpiresAt, absoluteExpiresAt, userAgent, token, verifiedPasswordHash, amr }) =>
      // One statement writes both rows or neither; the token's foreign key is checked at its end.
      // FOR SHARE holds the user row against a concurrent password change (changePassword); if the
      // change committed first, PostgreSQL re-reads the row, the hash no longer matches, and no
      // session is written.
      one<SessionRecord>(
        db,
        `WITH u AS (
           SELECT id FROM users WHERE id = $2 AND password_hash = $9 AND disabled_at IS NULL FOR SHARE
         ), s AS (
           INSERT INTO sessions (id, user_id, created_at, last_used_at, idle_expires_at, absolute_expires_at, rotated_at, user_agent, authenticated_at, amr)
           SELECT $1, u.id, $3, $3, $4, $5, $3, $6, $3, $10 FROM u RETURNING ${SESSION_COLUMNS}
         ), t AS (
           INSERT INTO refresh_tokens (selector, session_id, verifier_hash, generation, created_at) SELECT $7, id, $8, 0, $3 FROM s
         )
         SELECT * FROM s`,
        [id, userId, now, idleExpiresAt, absoluteExpiresAt, userAgent, token.selector, token.verifierHash, verifiedPasswordHash, [...amr]],
      ),

    async findSessions(ids) {
      const valid = ids.filter((id) => UUID.test(id));
      if (valid.length === 0) return [];
      const { rows } = await db.query<SessionRecord>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ANY($1::uuid[])`, [valid]);
      return rows;
    },

    async findRefreshTokens(selectors) {
      if (selectors.length === 0) return [];
      const { rows } = await db.query<RefreshRow>(`${REFRESH_STATES} WHERE t.selector = ANY($1::text[])`, [[...selectors]]);
      return rows.map(toRefreshState);
    },

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

    decideRefreshUnderLock: (selector, decide) =>
      db.transaction(async (tx) => {
        // The lock is what makes concurrent refreshes of one session take turns. After waiting for
        // it, PostgreSQL returns the session row as the previous holder committed it.
        const row = await one<RefreshRow>(tx, `${REFRESH_STATES} WHERE t.selector = $1 FOR UPDATE OF s`, [selector]);
        const state = row ? toRefreshState(row) : null;
        const decision = decide(state);
        if (!state) return { decision, state };
        if (decision.kind === 'rotate') {
          const { rows } = await tx.query(ROTATE, rotateParams(state.session.id, state.session.generation, decision));
          // Under the lock the generation cannot have moved; a rotation of a revoked session is a bug upstream.
          if (rows.length === 0) throw new Error('decideRefreshUnderLock: the locked session refused the rotation');
        } else if (decision.kind === 'revoke') {
          await tx.query('UPDATE sessions SET revoked_at = $3, revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL', [
            state.session.id,
            decision.reason,
            decision.at,
          ]);
        }
        return { decision, state };
      }),

    async markSessionAuthenticated(sessionId, now, amr) {
      if (!UUID.test(sessionId)) return false;
      const { rows } = await db.query(
        'UPDATE sessions SET authenticated_at = $2, amr = $3 WHERE id = $1 AND revoked_at IS NULL RETURNING id',
        [sessionId, now, [...amr]],
      );
      return rows.length > 0;
    },

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

    // No index on a session's end: it would cover idle_expires_at, which every refresh writes, and
    // cost every refresh its in-place update (migration 012). An hourly batch reads the table instead.
    deleteEndedSessions: (endedBefore, limit) =>
      deleteBatch(db, { name: 'sessions', key: 'id', where: `${ENDED_AT} < $1` }, endedBefore, limit),
  };
}
