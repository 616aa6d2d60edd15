import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRefreshToken } from '../src/auth/refresh-tokens.ts';
import { createSqlStore, type RefreshDecision, type Rotation, type Store } from '../src/store/store.ts';
import { realBackends, uniqueEmail } from './support.ts';

// One suite, every real backend: the embedded PGlite always, PostgreSQL in every CI run.
const backends = await realBackends();

const T0 = new Date('2026-03-01T12:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const DAY = 86_400_000;

describe.each(backends)('the store on %s', (_name, open) => {
  const setup = async () => {
    const db = await open();
    return { db, store: createSqlStore(db) };
  };
  const newUser = (store: Store, email = uniqueEmail()) =>
    store.createUser({ id: randomUUID(), email, name: 'Store Test', role: 'user', passwordHash: 'hash', now: T0 });
  const newSession = async (store: Store, userId: string) => {
    const token = createRefreshToken();
    const session = await store.createSession({
      id: randomUUID(),
      userId,
      now: T0,
      idleExpiresAt: later(7 * DAY),
      absoluteExpiresAt: later(30 * DAY),
      userAgent: 'vitest',
      token,
      verifiedPasswordHash: 'hash',
    });
    if (!session) throw new Error('no session');
    return { session, token };
  };
  const rotate = (generation: number, at: Date): Rotation => ({
    kind: 'rotate',
    token: createRefreshToken(),
    generation,
    rotatedAt: at,
    lastUsedAt: at,
    idleExpiresAt: later(8 * DAY),
    userAgent: null,
  });

  it('when a user is created twice with one email, then the second gives null and the first stays', async () => {
    const { store } = await setup();
    const email = uniqueEmail();
    const first = await newUser(store, email);
    expect(first).toMatchObject({ email, role: 'user', passwordHash: 'hash' });
    expect(first?.createdAt).toEqual(T0);
    expect(await newUser(store, email)).toBeNull();
    expect((await store.findUserByEmail(email))?.id).toBe(first?.id);
  });

  it('when users are looked up, updated and listed, then the changes read back', async () => {
    const { store } = await setup();
    const user = await newUser(store);
    if (!user) throw new Error('no user');
    expect(await store.findUserById(user.id)).toEqual(user);
    expect(await store.findUserById('not-a-uuid')).toBeNull();
    expect(await store.findUserById(randomUUID())).toBeNull();
    expect((await store.updateUserName(user.id, 'Renamed', later(1)))?.name).toBe('Renamed');
    expect(await store.updateUserName(randomUUID(), 'Nobody', later(1))).toBeNull();
    expect(await store.changePassword(user.id, 'hash-2', later(2))).toEqual([]);
    expect((await store.findUserById(user.id))?.passwordHash).toBe('hash-2');
    expect((await store.listUsers()).map((u) => u.id)).toContain(user.id);
  });

  it('when a session is created, then it and its first token (generation 0) are found', async () => {
    const { store } = await setup();
    const user = await newUser(store);
    const { session, token } = await newSession(store, user?.id as string);
    expect(session).toMatchObject({ userId: user?.id, generation: 0, revokedAt: null, userAgent: 'vitest' });
    expect(session.rotatedAt).toEqual(T0);
    const found = await store.findRefreshToken(token.selector);
    expect(found?.session.id).toBe(session.id);
    expect(found?.token).toMatchObject({ selector: token.selector, verifierHash: token.verifierHash, generation: 0 });
    expect(await store.findRefreshToken('no-such-selector')).toBeNull();
    expect(await store.findSession('not-a-uuid')).toBeNull();
  });

  it('when refreshSession rotates, then the new token and the session generation are written together', async () => {
    const { store } = await setup();
    const user = await newUser(store);
    const { session, token } = await newSession(store, user?.id as string);
    const decision = rotate(1, later(1000));
    const result = await store.refreshSession(token.selector, (state) => {
      expect(state?.session.id).toBe(session.id);
      expect(state?.token.generation).toBe(0);
      return decision;
    });
    expect(result.decision).toBe(decision);
    const after = await store.findRefreshToken(decision.kind === 'rotate' ? decision.token.selector : '');
    expect(after?.token.generation).toBe(1);
    expect(after?.session).toMatchObject({ generation: 1, revokedAt: null });
    expect(after?.session.lastUsedAt).toEqual(later(1000));
    expect(after?.session.idleExpiresAt).toEqual(later(8 * DAY));
  });

  it('when the selector is unknown, then decide is called with null and nothing is written', async () => {
    const { store } = await setup();
    const seen: unknown[] = [];
    const result = await store.refreshSession('unknown', (state) => {
      seen.push(state);
      return { kind: 'reject' };
    });
    expect(seen).toEqual([null]);
    expect(result.state).toBeNull();
  });

  it('when refreshSession revokes, then the session is revoked at the given time', async () => {
    const { store } = await setup();
    const user = await newUser(store);
    const { session, token } = await newSession(store, user?.id as string);
    await store.refreshSession(token.selector, () => ({ kind: 'revoke', reason: 'refresh_reused', at: later(5) }));
    expect((await store.findSession(session.id))?.revokedAt).toEqual(later(5));
  });

  it('when the rotation fails midway, then the transaction rolls back and the old token is still the valid one', async () => {
    const { db, store } = await setup();
    const user = await newUser(store);
    const { session, token } = await newSession(store, user?.id as string);
    // The token INSERT succeeds, then the session UPDATE fails: PostgreSQL text cannot hold a NUL byte.
    const broken = { ...rotate(1, later(1000)), userAgent: 'bad\u0000agent' } as RefreshDecision;
    await expect(store.refreshSession(token.selector, () => broken)).rejects.toThrow();
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens WHERE session_id = $1', [session.id]);
    expect(rows[0]?.n).toBe(1);
    const state = await store.findRefreshToken(token.selector);
    expect(state?.session.generation).toBe(0);
    // And the old token can still rotate.
    await store.refreshSession(token.selector, () => rotate(1, later(2000)));
    expect((await store.findSession(session.id))?.generation).toBe(1);
  });

  it('when ten refreshes of one session run at once, then each decides on the state the previous one committed', async () => {
    const { store } = await setup();
    const user = await newUser(store);
    const { session, token } = await newSession(store, user?.id as string);
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.refreshSession(token.selector, (state) => {
          const generation = state?.session.generation ?? -1;
          seen.push(generation);
          return rotate(generation + 1, later(i));
        }),
      ),
    );
    // Serialised by the session row lock: nobody decided on a stale generation.
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await store.findSession(session.id))?.generation).toBe(10);
  });

  it('when a refresh token is found, then its session and the user an access token needs come with it', async () => {
    const { store } = await setup();
    const user = await newUser(store);
    const { session, token } = await newSession(store, user?.id as string);
    const found = await store.findRefreshToken(token.selector);
    expect(found?.session).toEqual(session);
    expect(found?.token).toEqual({
      selector: token.selector,
      sessionId: session.id,
      verifierHash: token.verifierHash,
      generation: 0,
      createdAt: T0,
    });
    expect(found?.user).toEqual({ id: user?.id, email: user?.email, name: 'Store Test', role: 'user' });
  });

  it('when the token row cannot be written, then createSession leaves no session behind', async () => {
    const { db, store } = await setup();
    const user = await newUser(store);
    const { token } = await newSession(store, user?.id as string);
    // The same selector again violates the token's primary key, in the same statement as the session insert.
    const id = randomUUID();
    await expect(
      store.createSession({
        id,
        userId: user?.id as string,
        now: T0,
        idleExpiresAt: later(DAY),
        absoluteExpiresAt: later(DAY),
        userAgent: null,
        token,
        verifiedPasswordHash: 'hash',
      }),
    ).rejects.toThrow();
    expect(await store.findSession(id)).toBeNull();
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [user?.id]);
    expect(rows[0]?.n).toBe(1);
  });

  it('when the password hash changed after it was verified, then createSession writes nothing and gives null', async () => {
    const { db, store } = await setup();
    const user = await newUser(store);
    const userId = user?.id as string;
    const kept = await newSession(store, userId);
    expect(await store.changePassword(userId, 'hash-2', later(1), kept.session.id)).toEqual([]);
    const id = randomUUID();
    const stale = await store.createSession({
      id,
      userId,
      now: later(2),
      idleExpiresAt: later(DAY),
      absoluteExpiresAt: later(DAY),
      userAgent: null,
      token: createRefreshToken(),
      verifiedPasswordHash: 'hash',
    });
    expect(stale).toBeNull();
    expect(await store.findSession(id)).toBeNull();
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE s.user_id = $1',
      [userId],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('when the password is changed, then every other active session of the user is revoked in the same step, and only those', async () => {
    const { store } = await setup();
    const user = await newUser(store);
    const other = await newUser(store);
    const userId = user?.id as string;
    const current = await newSession(store, userId);
    const a = await newSession(store, userId);
    const b = await newSession(store, userId);
    const foreign = await newSession(store, other?.id as string);
    expect((await store.changePassword(userId, 'hash-2', later(1), current.session.id)).sort()).toEqual(
      [a.session.id, b.session.id].sort(),
    );
    expect((await store.findSession(a.session.id))?.revokedAt).toEqual(later(1));
    expect((await store.findSession(current.session.id))?.revokedAt).toBeNull();
    expect((await store.findSession(foreign.session.id))?.revokedAt).toBeNull();
    const { rows } = await (await open()).query<{ reason: string }>('SELECT revoked_reason AS reason FROM sessions WHERE id = $1', [
      a.session.id,
    ]);
    expect(rows).toEqual([{ reason: 'password_changed' }]);
  });

  it('when rotateSessionIfUnchanged finds the expected generation, then the new token and the session are written together', async () => {
    const { store } = await setup();
    const user = await newUser(store);
    const { session, token } = await newSession(store, user?.id as string);
    const decision = rotate(1, later(1000));
    expect(await store.rotateSessionIfUnchanged(session.id, 0, decision)).toBe(true);
    const after = await store.findRefreshToken(decision.token.selector);
    expect(after?.token).toMatchObject({ sessionId: session.id, generation: 1, createdAt: later(1000) });
    expect(after?.session).toMatchObject({ generation: 1, revokedAt: null, userAgent: 'vitest' });
    expect(after?.session.rotatedAt).toEqual(later(1000));
    expect(after?.session.lastUsedAt).toEqual(later(1000));
    expect(after?.session.idleExpiresAt).toEqual(later(8 * DAY));
    // The presented token stays, as the previous generation.
    expect((await store.findRefreshToken(token.selector))?.token.generation).toBe(0);
  });

  it('when the session moved on or was revoked, then rotateSessionIfUnchanged writes nothing and says so', async () => {
    const { db, store } = await setup();
    const user = await newUser(store);
    const { session } = await newSession(store, user?.id as string);
    const tokens = async () =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens WHERE session_id = $1', [session.id])).rows[0]?.n;
    const stale = rotate(1, later(1000));
    expect(await store.rotateSessionIfUnchanged(session.id, 1, stale)).toBe(false);
    expect(await store.findRefreshToken(stale.token.selector)).toBeNull();
    expect(await tokens()).toBe(1);
    await store.revokeSession(session.id, 'logout', later(500));
    expect(await store.rotateSessionIfUnchanged(session.id, 0, rotate(1, later(1000)))).toBe(false);
    expect(await tokens()).toBe(1);
    expect((await store.findSession(session.id))?.generation).toBe(0);
  });

  it('when ten rotations expect one generation at once, then exactly one of them is written', async () => {
    const { db, store } = await setup();
    const user = await newUser(store);
    const { session } = await newSession(store, user?.id as string);
    const won = await Promise.all(Array.from({ length: 10 }, (_, i) => store.rotateSessionIfUnchanged(session.id, 0, rotate(1, later(i)))));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect((await store.findSession(session.id))?.generation).toBe(1);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens WHERE session_id = $1', [session.id]);
    expect(rows[0]?.n).toBe(2);
  });

  it('when sessions are revoked one by one or all but one, then only active ones are listed', async () => {
    const { store } = await setup();
    const user = await newUser(store);
    const other = await newUser(store);
    const userId = user?.id as string;
    const a = await newSession(store, userId);
    const b = await newSession(store, userId);
    const c = await newSession(store, userId);
    const foreign = await newSession(store, other?.id as string);
    expect((await store.listActiveSessions(userId, later(1))).map((s) => s.id).sort()).toEqual(
      [a.session.id, b.session.id, c.session.id].sort(),
    );
    // Someone else's session cannot be revoked through this user.
    expect(await store.revokeSession(foreign.session.id, 'x', later(1), userId)).toBe(false);
    expect(await store.revokeSession('not-a-uuid', 'x', later(1), userId)).toBe(false);
    expect(await store.revokeSession(a.session.id, 'revoked_by_user', later(1), userId)).toBe(true);
    expect(await store.revokeSession(a.session.id, 'revoked_by_user', later(1), userId)).toBe(false);
    expect(await store.revokeUserSessions(userId, 'password_changed', later(2), c.session.id)).toEqual([b.session.id]);
    expect((await store.listActiveSessions(userId, later(3))).map((s) => s.id)).toEqual([c.session.id]);
    // Past the idle end nothing is active, revoked or not.
    expect(await store.listActiveSessions(userId, later(7 * DAY))).toEqual([]);
    expect((await store.findSession(foreign.session.id))?.revokedAt).toBeNull();
  });

  it('when pinged, then it resolves', async () => {
    const { store } = await setup();
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
