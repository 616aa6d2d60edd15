import { randomUUID } from 'node:crypto';
import type { LoginRequest, RegisterRequest, SessionResponse } from '@spa-auth/contract';
import type { Clock } from '../clock.ts';
import type { NewRefreshToken, RefreshDecision, RefreshState, SessionUser, Store, UserRecord } from '../store/store.ts';
import type { AccessTokens } from './access-tokens.ts';
import type { Passwords } from './passwords.ts';
import { createRefreshToken, type PresentedRefreshToken, parseRefreshToken, verifyRefreshToken } from './refresh-tokens.ts';
import type { Revocations } from './revocations.ts';

export type SessionPolicy = {
  refreshIdleTtlMs: number;
  sessionMaxAgeMs: number;
  refreshReuseGraceMs: number;
};

/** A started or refreshed session: the response body, and the cookie to set. */
export type IssuedSession = {
  body: SessionResponse;
  refreshToken: string;
  /** Time left before the session's idle or absolute end, whichever is sooner (the cookie's Max-Age). */
  refreshTtlMs: number;
};

export type RefreshFailure = 'refresh_missing' | 'refresh_invalid' | 'refresh_expired' | 'session_revoked' | 'refresh_reused';

/** A refresh cookie that names a session and carries its verifier, or why it does not. */
export type RefreshLookup = { failure: RefreshFailure } | { presented: PresentedRefreshToken; state: RefreshState };

export type AuthService = ReturnType<typeof createAuthService>;

export function toPublicUser(user: SessionUser) {
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/**
 * Pure: what to do with a presented refresh token, given its session's locked state (contract 5.3).
 * The current generation rotates forward. The previous generation, within the grace after the last
 * rotation, gets a sibling of the current generation: that is the two-tab race and the lost
 * response. Anything older, or later, is a replay of a stolen token and ends the session.
 */
export function decideRefresh(
  state: RefreshState | null,
  context: { verified: boolean; now: number; policy: SessionPolicy; userAgent: string | null; next: NewRefreshToken },
): { decision: RefreshDecision; failure: RefreshFailure | null } {
  const reject = (failure: RefreshFailure) => ({ decision: { kind: 'reject' } as const, failure });
  if (!state || !context.verified) return reject('refresh_invalid');
  const { session, token } = state;
  const { now, policy } = context;
  if (session.revokedAt) return reject('session_revoked');
  if (now >= session.absoluteExpiresAt.getTime() || now >= session.idleExpiresAt.getTime()) return reject('refresh_expired');

  const isCurrent = token.generation === session.generation;
  const isGraceRetry = token.generation === session.generation - 1 && now - session.rotatedAt.getTime() <= policy.refreshReuseGraceMs;
  if (!isCurrent && !isGraceRetry) {
    return { decision: { kind: 'revoke', reason: 'refresh_reused', at: new Date(now) }, failure: 'refresh_reused' };
  }
  return {
    decision: {
      kind: 'rotate',
      token: context.next,
      generation: isCurrent ? session.generation + 1 : session.generation,
      rotatedAt: isCurrent ? new Date(now) : session.rotatedAt,
      lastUsedAt: new Date(now),
      idleExpiresAt: new Date(Math.min(now + policy.refreshIdleTtlMs, session.absoluteExpiresAt.getTime())),
      userAgent: context.userAgent,
    },
    failure: null,
  };
}

/** Register, login, refresh and logout. No req/res here: routes translate results to HTTP. */
export function createAuthService(deps: {
  store: Store;
  clock: Clock;
  tokens: AccessTokens;
  passwords: Passwords;
  revocations: Revocations;
  policy: SessionPolicy;
}) {
  const { store, clock, tokens, passwords, revocations, policy } = deps;

  const issue = (user: SessionUser, sessionId: string, refreshToken: string, endsAt: number) => {
    const { token, expiresIn } = tokens.signAccessToken({ userId: user.id, sessionId, role: user.role });
    return {
      body: { accessToken: token, tokenType: 'Bearer' as const, expiresIn, user: toPublicUser(user) },
      refreshToken,
      refreshTtlMs: endsAt - clock.now(),
    };
  };

  /** Null when the user's password changed after `user` was read: the caller's check no longer holds. */
  async function startSession(user: UserRecord, userAgent: string | null): Promise<IssuedSession | null> {
    const now = clock.now();
    const absoluteEnd = now + policy.sessionMaxAgeMs;
    const idleEnd = Math.min(now + policy.refreshIdleTtlMs, absoluteEnd);
    const refresh = createRefreshToken();
    const session = await store.createSession({
      id: randomUUID(),
      userId: user.id,
      now: new Date(now),
      idleExpiresAt: new Date(idleEnd),
      absoluteExpiresAt: new Date(absoluteEnd),
      userAgent,
      token: refresh,
      verifiedPasswordHash: user.passwordHash,
    });
    return session ? issue(user, session.id, refresh.value, idleEnd) : null;
  }

  return {
    async register(input: RegisterRequest, userAgent: string | null): Promise<IssuedSession | { failure: 'email_taken' }> {
      const passwordHash = await passwords.hashPassword(input.password);
      const user = await store.createUser({
        id: randomUUID(),
        email: input.email,
        name: input.name,
        role: 'user',
        passwordHash,
        now: new Date(clock.now()),
      });
      if (!user) return { failure: 'email_taken' };
      // Nobody else knows this password yet, so it cannot have changed since: a session is always made.
      return (await startSession(user, userAgent)) as IssuedSession;
    },

    async login(input: LoginRequest, userAgent: string | null): Promise<IssuedSession | { failure: 'invalid_credentials' }> {
      const user = await store.findUserByEmail(input.email);
      const isValid = await passwords.verifyPassword(user?.passwordHash ?? null, input.password);
      if (!user || !isValid) return { failure: 'invalid_credentials' };
      // The password changed while it was being checked: the one that was right is not any more.
      return (await startSession(user, userAgent)) ?? { failure: 'invalid_credentials' };
    },

    /**
     * Reads the presented cookie's token, session and user once. The per-session refresh limit
     * counts against what this finds, and `refresh` starts from it, so a refresh reads once.
     */
    async findRefresh(cookie: string | undefined): Promise<RefreshLookup> {
      if (!cookie) return { failure: 'refresh_missing' };
      const presented = parseRefreshToken(cookie);
      if (!presented) return { failure: 'refresh_invalid' };
      // A token row never changes, so an unknown selector or a wrong verifier is final without a lock.
      const state = await store.findRefreshToken(presented.selector);
      if (!state || !verifyRefreshToken(presented, state.token.verifierHash)) return { failure: 'refresh_invalid' };
      return { presented, state };
    },

    async refresh(lookup: RefreshLookup, userAgent: string | null): Promise<IssuedSession | { failure: RefreshFailure }> {
      if ('failure' in lookup) return lookup;
      const { presented, state: found } = lookup;
      const now = clock.now();
      const next = createRefreshToken();

      // The hot path: the unlocked read, then a compare-and-set rotation in one statement.
      const optimistic = decideRefresh(found, { verified: true, now, policy, userAgent, next });
      if (
        optimistic.decision.kind === 'rotate' &&
        (await store.rotateSessionIfUnchanged(found.session.id, found.session.generation, optimistic.decision))
      ) {
        return issue(found.user, found.session.id, next.value, optimistic.decision.idleExpiresAt.getTime());
      }

      // Another request changed the session since the read, or the answer is a refusal: decide again
      // on the locked state, so that races and revocations follow contract 5.3 exactly as before.
      let failure: RefreshFailure | null = null;
      const { decision, state } = await store.refreshSession(presented.selector, (locked) => {
        const verified = locked !== null && verifyRefreshToken(presented, locked.token.verifierHash);
        const result = decideRefresh(locked, { verified, now, policy, userAgent, next });
        failure = result.failure;
        return result.decision;
      });
      if (decision.kind === 'revoke' && state) await revocations.markRevoked([state.session.id]);
      if (failure || decision.kind !== 'rotate' || !state) return { failure: failure ?? 'refresh_invalid' };
      return issue(state.user, state.session.id, next.value, decision.idleExpiresAt.getTime());
    },

    async logout(cookie: string | undefined): Promise<void> {
      const presented = parseRefreshToken(cookie);
      if (!presented) return;
      const now = clock.now();
      const state = await store.findRefreshToken(presented.selector);
      if (!state || !verifyRefreshToken(presented, state.token.verifierHash)) return;
      if (await store.revokeSession(state.session.id, 'logout', new Date(now))) await revocations.markRevoked([state.session.id]);
    },
  };
}
