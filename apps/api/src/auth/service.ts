import { randomUUID } from 'node:crypto';
import type { LoginRequest, RegisterRequest, SessionResponse } from '@spa-auth/contract';
import type { Clock } from '../clock.ts';
import type { AccountEvents } from '../events.ts';
import { type PublicUserRecord, toPublicUser, type UserRecord, type UserStore } from '../users/users.ts';
import type { AccessTokens } from './access-tokens.ts';
import type { Passwords } from './passwords.ts';
import { createRefreshToken, type PresentedRefreshToken, parseRefreshToken, provenFamily, verifyRefreshToken } from './refresh-tokens.ts';
import type { Revocations } from './revocations.ts';
import { createSameTurnReads } from './same-turn-reads.ts';
import {
  combineMethods,
  factorOf,
  type ProofProblem,
  proofProblem,
  type SecondFactorGate,
  type SecondFactorProof,
  type SecondStepRequired,
} from './second-factor.ts';
import {
  MAX_TOKENS_PER_GENERATION,
  type NewRefreshToken,
  type RefreshDecision,
  type RefreshState,
  type SessionRecord,
  type SessionStore,
} from './session-store.ts';

export type SessionPolicy = {
  refreshIdleTtlMs: number;
  sessionMaxAgeMs: number;
  refreshReuseGraceMs: number;
};

/** A started or refreshed session: the response body, and the cookie to set. */
export type IssuedSession = {
  sessionId: string;
  body: SessionResponse;
  refreshToken: string;
  /** Time left before the session's idle or absolute end, whichever is sooner (the cookie's Max-Age). */
  refreshTtlMs: number;
};

export type RefreshFailure =
  | 'refresh_missing'
  | 'refresh_invalid'
  | 'refresh_expired'
  | 'session_revoked'
  | 'refresh_reused'
  | 'refresh_conflict';

/**
 * The refresh cookie to act on: a stored token that verified; a token whose row rotation pruned,
 * proven to belong to `pruned` by its family (a replay); or why there is none.
 */
export type RefreshLookup =
  | { failure: RefreshFailure }
  | { presented: PresentedRefreshToken; state: RefreshState }
  | { presented: PresentedRefreshToken; pruned: SessionRecord };

/**
 * More refresh cookies than this in one request are refused unread: a browser sends one per
 * matching domain and path, so a handful is already someone planting cookies, and each costs a lookup.
 */
export const MAX_REFRESH_COOKIES = 4;

const isLive = (session: SessionRecord, now: number) =>
  session.revokedAt === null && now < session.idleExpiresAt.getTime() && now < session.absoluteExpiresAt.getTime();

export type AuthService = ReturnType<typeof createAuthService>;

/**
 * Pure: what to do with a presented refresh token, given its session's locked state (requirement 5.3).
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
  // A disabled account's sessions were ended when it was disabled; this catches a refresh in flight.
  if (session.revokedAt || state.user.disabledAt) return reject('session_revoked');
  if (now >= session.absoluteExpiresAt.getTime() || now >= session.idleExpiresAt.getTime()) return reject('refresh_expired');

  const isCurrent = token.generation === session.generation;
  // Beyond the cap a sibling is refused as reuse: it would grow the session's storage without bound.
  const isGraceRetry =
    token.generation === session.generation - 1 &&
    now - session.rotatedAt.getTime() <= policy.refreshReuseGraceMs &&
    state.tokensAtGeneration < MAX_TOKENS_PER_GENERATION;
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
  users: Pick<UserStore, 'createUser' | 'findUserByEmail' | 'findUserById'>;
  sessions: SessionStore;
  clock: Clock;
  tokens: AccessTokens;
  passwords: Passwords;
  revocations: Revocations;
  policy: SessionPolicy;
  events?: AccountEvents;
  /**
   * Whether a new account's address waits for a verification link. Off when no mail is sent: then
   * nothing could verify it, and routes that require a verified address would lock everyone out.
   */
  verifiesEmail?: boolean;
  /**
   * The second factor, when a feature provides one: read at each sign-in, as the features are built
   * after this service. Without it a password alone signs in.
   */
  secondFactor?: () => SecondFactorGate | undefined;
}) {
  const { users, sessions, clock, tokens, passwords, revocations, policy } = deps;
  // The refreshes and logouts of one turn of the event loop read their tokens in one query.
  const findRefreshToken = createSameTurnReads(async (selectors) => {
    const states = await sessions.findRefreshTokens(selectors);
    return new Map(states.map((state) => [state.token.selector, state]));
  });

  const issue = (
    user: PublicUserRecord,
    session: Pick<SessionRecord, 'id' | 'authenticatedAt' | 'amr'>,
    refreshToken: string,
    endsAt: number,
  ) => {
    const { token, expiresIn } = tokens.signAccessToken({
      userId: user.id,
      sessionId: session.id,
      role: user.role,
      emailVerified: user.emailVerifiedAt !== null,
      authenticatedAt: session.authenticatedAt.getTime(),
      amr: session.amr,
    });
    return {
      sessionId: session.id,
      body: { accessToken: token, tokenType: 'Bearer' as const, expiresIn, user: toPublicUser(user) },
      refreshToken,
      refreshTtlMs: endsAt - clock.now(),
    };
  };

  /**
   * Null when the user's password changed after `user` was read: the caller's check no longer holds.
   * `amr` says how the person signed in (RFC 8176): a password alone unless a second step says more.
   */
  async function startSession(user: UserRecord, userAgent: string | null, amr: readonly string[] = ['pwd']): Promise<IssuedSession | null> {
    const now = clock.now();
    const absoluteEnd = now + policy.sessionMaxAgeMs;
    const idleEnd = Math.min(now + policy.refreshIdleTtlMs, absoluteEnd);
    const refresh = createRefreshToken();
    const session = await sessions.createSession({
      id: randomUUID(),
      userId: user.id,
      now: new Date(now),
      idleExpiresAt: new Date(idleEnd),
      absoluteExpiresAt: new Date(absoluteEnd),
      userAgent,
      token: refresh,
      verifiedPasswordHash: user.passwordHash,
      amr,
    });
    return session ? issue(user, session, refresh.value, idleEnd) : null;
  }

  /**
   * The password was right: a session, or when the account has a second factor no session but a
   * challenge for the second step (bound to the password hash just checked). Null as startSession.
   */
  async function signInOrChallenge(user: UserRecord, userAgent: string | null): Promise<IssuedSession | SecondStepRequired | null> {
    const gate = deps.secondFactor?.();
    const factors = gate ? await gate.secondStepFactorsOf(user.id) : [];
    if (gate && factors.length > 0) return { secondFactor: { challenge: await gate.issueChallenge(user), factors } };
    return startSession(user, userAgent);
  }

  /** One cookie value: its stored token if it verifies, else the session its family proves, else nothing. */
  async function lookUp(value: string): Promise<RefreshLookup> {
    const presented = parseRefreshToken(value);
    if (!presented) return { failure: 'refresh_invalid' };
    // A token row never changes, so an unknown selector or a wrong verifier is final without a lock.
    const state = await findRefreshToken(presented.selector);
    if (state) return verifyRefreshToken(presented, state.token.verifierHash) ? { presented, state } : { failure: 'refresh_invalid' };
    return findPruned(presented);
  }

  async function findPruned(presented: PresentedRefreshToken): Promise<RefreshLookup> {
    const family = provenFamily(presented);
    const session = family ? await sessions.findSessionByTokenFamily(family) : null;
    return session ? { presented, pruned: session } : { failure: 'refresh_invalid' };
  }

  /**
   * Several refresh cookies: one per (domain, path) the browser holds, and a sibling subdomain of a
   * shared parent domain can add its own. Cookies naming no live session are ignored, so planted
   * garbage or a dead session's cookie changes nothing. Live sessions: one is used (its newest
   * token; older ones of it prove nothing more); two or more is a conflict, refused without
   * touching either, so nobody can be swapped into a planted session. Nothing live: the first
   * cookie that names a session answers as it would alone (revoked or expired), else invalid.
   */
  function choose(lookups: RefreshLookup[], now: number): RefreshLookup {
    const found = lookups.filter((l): l is Exclude<RefreshLookup, { failure: RefreshFailure }> => !('failure' in l));
    const sessionOf = (l: (typeof found)[number]) => ('state' in l ? l.state.session : l.pruned);
    const generationOf = (l: (typeof found)[number]) => ('state' in l ? l.state.token.generation : -1);
    const live = found.filter((l) => isLive(sessionOf(l), now));
    if (new Set(live.map((l) => sessionOf(l).id)).size > 1) return { failure: 'refresh_conflict' };
    const newest = live.reduce<(typeof found)[number] | undefined>((a, l) => (a && generationOf(a) >= generationOf(l) ? a : l), undefined);
    return newest ?? found[0] ?? { failure: 'refresh_invalid' };
  }

  /** A pruned token came back: older than the previous generation, so a replay (requirement 5.3.8). */
  async function endReplayedSession(session: SessionRecord, now: number): Promise<{ failure: RefreshFailure }> {
    if (session.revokedAt) return { failure: 'session_revoked' };
    if (!isLive(session, now)) return { failure: 'refresh_expired' };
    if (!(await sessions.revokeSession(session.id, 'refresh_reused', new Date(now)))) return { failure: 'session_revoked' };
    await revocations.markRevoked([session.id]);
    deps.events?.publish({ type: 'refresh_reused', userId: session.userId, sessionId: session.id });
    return { failure: 'refresh_reused' };
  }

  return {
    async register(input: RegisterRequest, userAgent: string | null): Promise<IssuedSession | { failure: 'email_taken' }> {
      const passwordHash = await passwords.hashPassword(input.password);
      const now = new Date(clock.now());
      const user = await users.createUser({
        id: randomUUID(),
        email: input.email,
        name: input.name,
        role: 'user',
        passwordHash,
        now,
        emailVerifiedAt: deps.verifiesEmail ? null : now,
      });
      if (!user) return { failure: 'email_taken' };
      // Nobody else knows this password yet, so it cannot have changed since: a session is always made.
      const issued = (await startSession(user, userAgent)) as IssuedSession;
      deps.events?.publish({ type: 'user_registered', user, sessionId: issued.sessionId });
      return issued;
    },

    /**
     * Step-up: the password again, for a session that is already signed in, and the second factor
     * when the account's sign-in asks for one; or a passkey alone (`password` undefined), which
     * proves the person by itself. The session's authenticated_at moves to now and its amr to what
     * was proved now; a new access token carries both (auth_time, amr, acr); the refresh token and
     * the cookie stay as they are.
     */
    async reauthenticate(
      userId: string,
      sessionId: string,
      password: string | undefined,
      proof?: SecondFactorProof,
    ): Promise<SessionResponse | { failure: 'invalid_credentials' | 'second_factor_required' | ProofProblem }> {
      const gate = deps.secondFactor?.();
      const byPasskeyAlone = password === undefined && proof !== undefined && 'passkey' in proof;
      // A step-up never proves less than the account's sign-in does: with a factor, it takes the factor.
      if (!proof && gate && (await gate.secondStepFactorsOf(userId)).length > 0) return { failure: 'second_factor_required' };
      const user = await users.findUserById(userId);
      if (!user) return { failure: 'invalid_credentials' };
      if (!byPasskeyAlone && !(await passwords.verifyPassword(user.passwordHash, password ?? '')))
        return { failure: 'invalid_credentials' };
      let amr = ['pwd'];
      if (proof) {
        const factor = factorOf(proof);
        const result: Awaited<ReturnType<SecondFactorGate['verifyProof']>> = gate
          ? await gate.verifyProof(userId, proof, 'reauthenticate')
          : { failure: 'invalid' };
        if ('failure' in result) {
          deps.events?.publish({ type: 'second_factor_failed', userId, factor, purpose: 'reauthenticate' });
          return { failure: proofProblem(result.failure) };
        }
        deps.events?.publish({ type: 'second_factor_used', userId, factor, purpose: 'reauthenticate' });
        amr = byPasskeyAlone ? combineMethods(...result.methods) : combineMethods('pwd', ...result.methods);
      }
      const now = clock.now();
      // The session ended while the password was checked: there is nothing to step up.
      if (!(await sessions.markSessionAuthenticated(sessionId, new Date(now), amr))) return { failure: 'invalid_credentials' };
      return issue(user, { id: sessionId, authenticatedAt: new Date(now), amr }, '', now).body;
    },

    /**
     * A new session for a user whose identity another step proved (the second step of a sign-in),
     * with how it was proved (`amr`). Null when the password changed after `user` was read.
     */
    signIn: startSession,

    /**
     * A session for a user whose password a step just checked or set (a password reset), or the
     * second step's challenge when the account has a second factor.
     */
    signInOrChallenge,

    async login(
      input: LoginRequest,
      userAgent: string | null,
    ): Promise<IssuedSession | SecondStepRequired | { failure: 'invalid_credentials' } | { failure: 'account_disabled' }> {
      const user = await users.findUserByEmail(input.email);
      const isValid = await passwords.verifyPassword(user?.passwordHash ?? null, input.password);
      if (!user || !isValid) {
        if (user) deps.events?.publish({ type: 'sign_in_failed', user });
        return { failure: 'invalid_credentials' };
      }
      // Said only to whoever knows the password, so it tells an attacker nothing new.
      if (user.disabledAt) return { failure: 'account_disabled' };
      // The password changed (or the account was disabled) while it was being checked.
      const issued = await signInOrChallenge(user, userAgent);
      if (!issued) return { failure: 'invalid_credentials' };
      // With a second factor, the sign-in is recorded when its second step completes it.
      if ('secondFactor' in issued) return issued;
      deps.events?.publish({ type: 'signed_in', user, sessionId: issued.sessionId, via: 'password' });
      return issued;
    },

    /**
     * Reads the presented cookies' tokens, sessions and users once. The per-session refresh limit
     * counts against what this finds, and `refresh` starts from it, so a refresh reads once.
     */
    async findRefresh(cookies: readonly string[]): Promise<RefreshLookup> {
      const values = [...new Set(cookies)];
      if (values.length === 0) return { failure: 'refresh_missing' };
      if (values.length > MAX_REFRESH_COOKIES) return { failure: 'refresh_conflict' };
      const lookups = await Promise.all(values.map(lookUp));
      return lookups.length === 1 ? (lookups[0] as RefreshLookup) : choose(lookups, clock.now());
    },

    async refresh(lookup: RefreshLookup, userAgent: string | null): Promise<IssuedSession | { failure: RefreshFailure }> {
      if ('failure' in lookup) return lookup;
      const now = clock.now();
      if ('pruned' in lookup) return endReplayedSession(lookup.pruned, now);
      const { presented, state: found } = lookup;
      const next = createRefreshToken(presented);

      // The hot path: the unlocked read, then a compare-and-set rotation in one statement. Kept
      // beside the locked path because it is what lets a refresh cost two round trips instead of
      // five (a lock needs BEGIN and COMMIT around it), which on two shared cores is most of
      // refreshPerSecond (docs/performance.md, "How a refresh and a login use the database").
      const optimistic = decideRefresh(found, { verified: true, now, policy, userAgent, next });
      if (
        optimistic.decision.kind === 'rotate' &&
        (await sessions.rotateSessionIfUnchanged(found.session.id, found.session.generation, optimistic.decision))
      ) {
        return issue(found.user, found.session, next.value, optimistic.decision.idleExpiresAt.getTime());
      }

      // Another request changed the session since the read, or the answer is a refusal: decide again
      // on the locked state, so that races and revocations follow requirement 5.3 exactly as before.
      let failure: RefreshFailure | null = null;
      const { decision, state } = await sessions.decideRefreshUnderLock(presented.selector, (locked) => {
        const verified = locked !== null && verifyRefreshToken(presented, locked.token.verifierHash);
        const result = decideRefresh(locked, { verified, now, policy, userAgent, next });
        failure = result.failure;
        return result.decision;
      });
      if (decision.kind === 'revoke' && state) {
        await revocations.markRevoked([state.session.id]);
        deps.events?.publish({ type: 'refresh_reused', userId: state.session.userId, sessionId: state.session.id });
      }
      // The row went while this request waited: a concurrent rotation pruned it, so it is a replay now.
      if (!state) {
        const pruned = await findPruned(presented);
        return 'pruned' in pruned ? endReplayedSession(pruned.pruned, now) : { failure: 'refresh_invalid' };
      }
      if (failure || decision.kind !== 'rotate') return { failure: failure ?? 'refresh_invalid' };
      return issue(state.user, state.session, next.value, decision.idleExpiresAt.getTime());
    },

    /**
     * Ends every session one of the cookies proves (a verified token, or a pruned one's family).
     * With a planted cookie beside the user's own, that ends the planter's session too, which costs
     * the user nothing; guessing which one is the user's could leave the user's own session open.
     */
    async logout(cookies: readonly string[]): Promise<void> {
      const values = [...new Set(cookies)];
      if (values.length === 0 || values.length > MAX_REFRESH_COOKIES) return;
      const now = new Date(clock.now());
      const lookups = await Promise.all(values.map(lookUp));
      const ids = new Set(lookups.flatMap((l) => ('state' in l ? [l.state.session.id] : 'pruned' in l ? [l.pruned.id] : [])));
      const revoked: string[] = [];
      for (const id of ids) if (await sessions.revokeSession(id, 'logout', now)) revoked.push(id);
      if (revoked.length > 0) await revocations.markRevoked(revoked);
    },
  };
}
