import type { PublicUserRecord } from '../users/users.ts';

export type SessionRecord = {
  id: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  /** How many times the session's refresh token has rotated; a token carries the value it was issued at. */
  generation: number;
  rotatedAt: Date;
  revokedAt: Date | null;
  userAgent: string | null;
  /** When a password last proved the person behind it (access tokens carry it as auth_time). */
  authenticatedAt: Date;
  /** How it was proved then (RFC 8176: `pwd`, with a second factor also `otp` and `mfa`); access tokens carry it as amr. */
  amr: string[];
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

/**
 * A presented token's row, its session and the session's user, read together so a refresh needs no
 * user query. `tokensAtGeneration`: how many tokens the session has issued at its current generation
 * (the first and its grace siblings).
 */
export type RefreshState = { session: SessionRecord; token: RefreshTokenRecord; user: PublicUserRecord; tokensAtGeneration: number };

/**
 * At most this many tokens per generation: the first, then grace siblings. 25 tabs refreshing at
 * once stay under it; a burst beyond it is no browser, and the service treats it as reuse.
 */
export const MAX_TOKENS_PER_GENERATION = 32;

/**
 * The sessions port, owned by auth/ (the sessions feature uses its listing and revoking part). Every
 * method is one statement or one transaction; test/ports/session-store.ts is the suite every adapter
 * passes.
 */
export type SessionStore = {
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
    /** How the person signed in (RFC 8176 amr values). */
    amr: readonly string[];
  }): Promise<SessionRecord | null>;
  /** The sessions of these ids that exist, in no particular order; ids that are not UUIDs match nothing. */
  findSessions(ids: readonly string[]): Promise<SessionRecord[]>;
  /**
   * The tokens of these selectors that exist, each with its session and the session's user, in one
   * statement and without a lock; in no particular order.
   */
  findRefreshTokens(selectors: readonly string[]): Promise<RefreshState[]>;
  /** A session that a token of this family was issued to (rotation leaves every family its newest rows). */
  findSessionByTokenFamily(family: string): Promise<SessionRecord | null>;
  /**
   * Applies a rotation only if the session is still unrevoked and at `expectedGeneration`: one
   * statement, no transaction, no lock. False, with nothing written, when another request changed
   * the session first, or when a sibling would pass MAX_TOKENS_PER_GENERATION; the caller then
   * decides again on the locked state (`decideRefreshUnderLock`). Either rotation deletes the new
   * token's family's tokens older than the previous generation, so a session's rows stay bounded.
   */
  rotateSessionIfUnchanged(sessionId: string, expectedGeneration: number, rotation: Rotation): Promise<boolean>;
  /**
   * Finds the token by selector, locks its session row, and applies what `decide` returns, all in
   * one transaction: concurrent refreshes of one session are serialised by the row lock, and a
   * failure midway leaves the old state intact (requirement 5.3.4).
   */
  decideRefreshUnderLock(
    selector: string,
    decide: (state: RefreshState | null) => RefreshDecision,
  ): Promise<{ decision: RefreshDecision; state: RefreshState | null }>;
  /**
   * Records a new proof of the person (re-authentication), and how it was made (amr): false when
   * the session is not active.
   */
  markSessionAuthenticated(sessionId: string, now: Date, amr: readonly string[]): Promise<boolean>;
  /** The user's sessions that are neither revoked nor expired, most recently used first. */
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
};
