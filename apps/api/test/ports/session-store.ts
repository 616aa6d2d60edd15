import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRefreshToken } from '../../src/auth/refresh-tokens.ts';
import type { RefreshDecision, Rotation, SessionStore } from '../../src/auth/session-store.ts';
import type { UserStore } from '../../src/users/users.ts';
import { uniqueEmail } from '../support.ts';

/** What the suite needs to see beneath the port, which each adapter answers in its own terms. */
export type SessionStoreInspector = {
  countTokensOfSession(sessionId: string): Promise<number>;
  countTokensOfUser(userId: string): Promise<number>;
  countSessionsOfUser(userId: string): Promise<number>;
  /** The reason a revoked session was stored with (the port writes it, nothing reads it back yet). */
  revokedReasonOf(sessionId: string): Promise<string | null>;
  /** A user agent the backend refuses to store, to make a write fail midway (rollback tests). */
  unstorableText: string;
};

/**
 * The sessions port's contract, with the users port beside it (sessions belong to users, and a
 * password change ends sessions): every adapter runs it (test/adapters). The database may hold
 * other tests' rows, so each test makes its own users.
 */
export function testSessionStore(setup: () => Promise<{ users: UserStore; sessions: SessionStore; inspect: SessionStoreInspector }>): void {
  const T0 = new Date('2026-03-01T12:00:00Z');
  const later = (ms: number) => new Date(T0.getTime() + ms);
  const DAY = 86_400_000;
  const newUser = (users: UserStore, email = uniqueEmail()) =>
    users.createUser({ id: randomUUID(), email, name: 'Store Test', role: 'user', passwordHash: 'hash', now: T0 });
  const newSession = async (sessions: SessionStore, userId: string) => {
    const token = createRefreshToken();
    const session = await sessions.createSession({
      id: randomUUID(),
      userId,
      now: T0,
      idleExpiresAt: later(7 * DAY),
      absoluteExpiresAt: later(30 * DAY),
      userAgent: 'vitest',
      token,
      verifiedPasswordHash: 'hash',
      amr: ['pwd'],
    });
    if (!session) throw new Error('no session');
    return { session, token };
  };
  const findSession = async (sessions: SessionStore, id: string) => (await sessions.findSessions([id]))[0] ?? null;
  const findRefreshToken = async (sessions: SessionStore, selector: string) => (await sessions.findRefreshTokens([selector]))[0] ?? null;
  const rotate = (generation: number, at: Date): Rotation => ({
    kind: 'rotate',
    token: createRefreshToken(),
    generation,
    rotatedAt: at,
    lastUsedAt: at,
    idleExpiresAt: later(8 * DAY),
    userAgent: null,
  });

  describe('the sessions port', () => {
    it('when a session is created, then it and its first token (generation 0) are found', async () => {
      const { users, sessions } = await setup();
      const user = await newUser(users);
      const { session, token } = await newSession(sessions, user?.id as string);
      expect(session).toMatchObject({ userId: user?.id, generation: 0, revokedAt: null, userAgent: 'vitest' });
      expect(session.rotatedAt).toEqual(T0);
      const found = await findRefreshToken(sessions, token.selector);
      expect(found?.session.id).toBe(session.id);
      expect(found?.token).toMatchObject({ selector: token.selector, verifierHash: token.verifierHash, generation: 0 });
      expect(await findRefreshToken(sessions, 'no-such-selector')).toBeNull();
      expect(await findSession(sessions, 'not-a-uuid')).toBeNull();
    });

    it('when several sessions are asked for at once, then one call finds those that exist, whatever else is asked', async () => {
      const { users, sessions } = await setup();
      const user = await newUser(users);
      const a = await newSession(sessions, user?.id as string);
      const b = await newSession(sessions, user?.id as string);
      await sessions.revokeSession(b.session.id, 'logout', later(1));
      const found = await sessions.findSessions([b.session.id, randomUUID(), 'not-a-uuid', a.session.id]);
      expect(found.map((s) => s.id).sort()).toEqual([a.session.id, b.session.id].sort());
      expect(found.find((s) => s.id === b.session.id)?.revokedAt).toEqual(later(1));
      expect(await sessions.findSessions([])).toEqual([]);
      expect(await sessions.findSessions(['not-a-uuid'])).toEqual([]);
    });

    it('when several refresh tokens are asked for at once, then one call finds those that exist, each with its own session and user', async () => {
      const { users, sessions } = await setup();
      const alice = await newUser(users);
      const bob = await newUser(users);
      const a = await newSession(sessions, alice?.id as string);
      const b = await newSession(sessions, bob?.id as string);
      const found = await sessions.findRefreshTokens([b.token.selector, 'no-such-selector', a.token.selector]);
      const bySelector = new Map(found.map((state) => [state.token.selector, state]));
      expect([...bySelector.keys()].sort()).toEqual([a.token.selector, b.token.selector].sort());
      expect(bySelector.get(a.token.selector)).toMatchObject({
        session: { id: a.session.id },
        user: { id: alice?.id, email: alice?.email },
      });
      expect(bySelector.get(b.token.selector)).toMatchObject({ session: { id: b.session.id }, user: { id: bob?.id, email: bob?.email } });
      expect(await sessions.findRefreshTokens([])).toEqual([]);
    });

    it('when a session is created with how the person signed in, then its amr is kept, and a re-authentication replaces it with its time', async () => {
      const { users, sessions } = await setup();
      const user = await newUser(users);
      const { session, token } = await newSession(sessions, user?.id as string);
      expect(session.amr).toEqual(['pwd']);
      expect(await sessions.markSessionAuthenticated(session.id, later(1000), ['pwd', 'otp', 'mfa'])).toBe(true);
      const found = await findRefreshToken(sessions, token.selector);
      expect(found?.session).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], authenticatedAt: later(1000) });
      expect((await findSession(sessions, session.id))?.amr).toEqual(['pwd', 'otp', 'mfa']);
      const withFactor = await sessions.createSession({
        id: randomUUID(),
        userId: user?.id as string,
        now: T0,
        idleExpiresAt: later(DAY),
        absoluteExpiresAt: later(DAY),
        userAgent: null,
        token: createRefreshToken(),
        verifiedPasswordHash: 'hash',
        amr: ['pwd', 'otp', 'mfa'],
      });
      expect(withFactor?.amr).toEqual(['pwd', 'otp', 'mfa']);
    });

    it('when decideRefreshUnderLock rotates, then the new token and the session generation are written together', async () => {
      const { users, sessions } = await setup();
      const user = await newUser(users);
      const { session, token } = await newSession(sessions, user?.id as string);
      const decision = rotate(1, later(1000));
      const result = await sessions.decideRefreshUnderLock(token.selector, (state) => {
        expect(state?.session.id).toBe(session.id);
        expect(state?.token.generation).toBe(0);
        return decision;
      });
      expect(result.decision).toBe(decision);
      const after = await findRefreshToken(sessions, decision.kind === 'rotate' ? decision.token.selector : '');
      expect(after?.token.generation).toBe(1);
      expect(after?.session).toMatchObject({ generation: 1, revokedAt: null });
      expect(after?.session.lastUsedAt).toEqual(later(1000));
      expect(after?.session.idleExpiresAt).toEqual(later(8 * DAY));
    });

    it('when the selector is unknown, then decide is called with null and nothing is written', async () => {
      const { sessions } = await setup();
      const seen: unknown[] = [];
      const result = await sessions.decideRefreshUnderLock('unknown', (state) => {
        seen.push(state);
        return { kind: 'reject' };
      });
      expect(seen).toEqual([null]);
      expect(result.state).toBeNull();
    });

    it('when decideRefreshUnderLock revokes, then the session is revoked at the given time', async () => {
      const { users, sessions } = await setup();
      const user = await newUser(users);
      const { session, token } = await newSession(sessions, user?.id as string);
      await sessions.decideRefreshUnderLock(token.selector, () => ({ kind: 'revoke', reason: 'refresh_reused', at: later(5) }));
      expect((await findSession(sessions, session.id))?.revokedAt).toEqual(later(5));
    });

    it('when the rotation fails midway, then the transaction rolls back and the old token is still the valid one', async () => {
      const { users, sessions, inspect } = await setup();
      const user = await newUser(users);
      const { session, token } = await newSession(sessions, user?.id as string);
      // A user agent the backend cannot store makes the rotation fail after its first write.
      const broken = { ...rotate(1, later(1000)), userAgent: inspect.unstorableText } as RefreshDecision;
      await expect(sessions.decideRefreshUnderLock(token.selector, () => broken)).rejects.toThrow();
      expect(await inspect.countTokensOfSession(session.id)).toBe(1);
      const state = await findRefreshToken(sessions, token.selector);
      expect(state?.session.generation).toBe(0);
      // And the old token can still rotate.
      await sessions.decideRefreshUnderLock(token.selector, () => rotate(1, later(2000)));
      expect((await findSession(sessions, session.id))?.generation).toBe(1);
    });

    it('when ten refreshes of one session run at once, then each decides on the state the previous one committed', async () => {
      const { users, sessions } = await setup();
      const user = await newUser(users);
      const { session, token } = await newSession(sessions, user?.id as string);
      const seen: number[] = [];
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          sessions.decideRefreshUnderLock(token.selector, (state) => {
            const generation = state?.session.generation ?? -1;
            seen.push(generation);
            return rotate(generation + 1, later(i));
          }),
        ),
      );
      // Serialised by the session row lock: nobody decided on a stale generation.
      expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect((await findSession(sessions, session.id))?.generation).toBe(10);
    });

    it('when a refresh token is found, then its session and the user an access token needs come with it', async () => {
      const { users, sessions } = await setup();
      const user = await newUser(users);
      const { session, token } = await newSession(sessions, user?.id as string);
      const found = await findRefreshToken(sessions, token.selector);
      expect(found?.session).toEqual(session);
      expect(found?.token).toEqual({
        selector: token.selector,
        sessionId: session.id,
        verifierHash: token.verifierHash,
        generation: 0,
        createdAt: T0,
      });
      expect(found?.user).toEqual({
        id: user?.id,
        email: user?.email,
        name: 'Store Test',
        role: 'user',
        emailVerifiedAt: null,
        disabledAt: null,
      });
    });

    it('when the token row cannot be written, then createSession leaves no session behind', async () => {
      const { users, sessions, inspect } = await setup();
      const user = await newUser(users);
      const { token } = await newSession(sessions, user?.id as string);
      // The same selector again violates the token's primary key, in the same statement as the session insert.
      const id = randomUUID();
      await expect(
        sessions.createSession({
          id,
          userId: user?.id as string,
          now: T0,
          idleExpiresAt: later(DAY),
          absoluteExpiresAt: later(DAY),
          userAgent: null,
          token,
          verifiedPasswordHash: 'hash',
          amr: ['pwd'],
        }),
      ).rejects.toThrow();
      expect(await findSession(sessions, id)).toBeNull();
      expect(await inspect.countSessionsOfUser(user?.id as string)).toBe(1);
    });

    it('when the password hash changed after it was verified, then createSession writes nothing and gives null', async () => {
      const { users, sessions, inspect } = await setup();
      const user = await newUser(users);
      const userId = user?.id as string;
      const kept = await newSession(sessions, userId);
      expect(await users.changePassword(userId, 'hash-2', later(1), kept.session.id)).toEqual([]);
      const id = randomUUID();
      const stale = await sessions.createSession({
        id,
        userId,
        now: later(2),
        idleExpiresAt: later(DAY),
        absoluteExpiresAt: later(DAY),
        userAgent: null,
        token: createRefreshToken(),
        verifiedPasswordHash: 'hash',
        amr: ['pwd'],
      });
      expect(stale).toBeNull();
      expect(await findSession(sessions, id)).toBeNull();
      expect(await inspect.countTokensOfUser(userId)).toBe(1);
    });

    it('when the password is changed, then every other active session of the user is revoked in the same step, and only those', async () => {
      const { users, sessions, inspect } = await setup();
      const user = await newUser(users);
      const other = await newUser(users);
      const userId = user?.id as string;
      const current = await newSession(sessions, userId);
      const a = await newSession(sessions, userId);
      const b = await newSession(sessions, userId);
      const foreign = await newSession(sessions, other?.id as string);
      expect((await users.changePassword(userId, 'hash-2', later(1), current.session.id)).sort()).toEqual(
        [a.session.id, b.session.id].sort(),
      );
      expect((await findSession(sessions, a.session.id))?.revokedAt).toEqual(later(1));
      expect((await findSession(sessions, current.session.id))?.revokedAt).toBeNull();
      expect((await findSession(sessions, foreign.session.id))?.revokedAt).toBeNull();
      expect(await inspect.revokedReasonOf(a.session.id)).toBe('password_changed');
    });

    it('when rotateSessionIfUnchanged finds the expected generation, then the new token and the session are written together', async () => {
      const { users, sessions } = await setup();
      const user = await newUser(users);
      const { session, token } = await newSession(sessions, user?.id as string);
      const decision = rotate(1, later(1000));
      expect(await sessions.rotateSessionIfUnchanged(session.id, 0, decision)).toBe(true);
      const after = await findRefreshToken(sessions, decision.token.selector);
      expect(after?.token).toMatchObject({ sessionId: session.id, generation: 1, createdAt: later(1000) });
      expect(after?.session).toMatchObject({ generation: 1, revokedAt: null, userAgent: 'vitest' });
      expect(after?.session.rotatedAt).toEqual(later(1000));
      expect(after?.session.lastUsedAt).toEqual(later(1000));
      expect(after?.session.idleExpiresAt).toEqual(later(8 * DAY));
      // The presented token stays, as the previous generation.
      expect((await findRefreshToken(sessions, token.selector))?.token.generation).toBe(0);
    });

    it('when the session moved on or was revoked, then rotateSessionIfUnchanged writes nothing and says so', async () => {
      const { users, sessions, inspect } = await setup();
      const user = await newUser(users);
      const { session } = await newSession(sessions, user?.id as string);
      const tokens = () => inspect.countTokensOfSession(session.id);
      const stale = rotate(1, later(1000));
      expect(await sessions.rotateSessionIfUnchanged(session.id, 1, stale)).toBe(false);
      expect(await findRefreshToken(sessions, stale.token.selector)).toBeNull();
      expect(await tokens()).toBe(1);
      await sessions.revokeSession(session.id, 'logout', later(500));
      expect(await sessions.rotateSessionIfUnchanged(session.id, 0, rotate(1, later(1000)))).toBe(false);
      expect(await tokens()).toBe(1);
      expect((await findSession(sessions, session.id))?.generation).toBe(0);
    });

    it('when ten rotations expect one generation at once, then exactly one of them is written', async () => {
      const { users, sessions, inspect } = await setup();
      const user = await newUser(users);
      const { session } = await newSession(sessions, user?.id as string);
      const won = await Promise.all(
        Array.from({ length: 10 }, (_, i) => sessions.rotateSessionIfUnchanged(session.id, 0, rotate(1, later(i)))),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
      expect((await findSession(sessions, session.id))?.generation).toBe(1);
      expect(await inspect.countTokensOfSession(session.id)).toBe(2);
    });

    it('when sessions are revoked one by one or all but one, then only active ones are listed', async () => {
      const { users, sessions } = await setup();
      const user = await newUser(users);
      const other = await newUser(users);
      const userId = user?.id as string;
      const a = await newSession(sessions, userId);
      const b = await newSession(sessions, userId);
      const c = await newSession(sessions, userId);
      const foreign = await newSession(sessions, other?.id as string);
      expect((await sessions.listActiveSessions(userId, later(1))).map((s) => s.id).sort()).toEqual(
        [a.session.id, b.session.id, c.session.id].sort(),
      );
      // Someone else's session cannot be revoked through this user.
      expect(await sessions.revokeSession(foreign.session.id, 'x', later(1), userId)).toBe(false);
      expect(await sessions.revokeSession('not-a-uuid', 'x', later(1), userId)).toBe(false);
      expect(await sessions.revokeSession(a.session.id, 'revoked_by_user', later(1), userId)).toBe(true);
      expect(await sessions.revokeSession(a.session.id, 'revoked_by_user', later(1), userId)).toBe(false);
      expect(await sessions.revokeUserSessions(userId, 'password_changed', later(2), c.session.id)).toEqual([b.session.id]);
      expect((await sessions.listActiveSessions(userId, later(3))).map((s) => s.id)).toEqual([c.session.id]);
      // Past the idle end nothing is active, revoked or not.
      expect(await sessions.listActiveSessions(userId, later(7 * DAY))).toEqual([]);
      expect((await findSession(sessions, foreign.session.id))?.revokedAt).toBeNull();
    });
  });
}
