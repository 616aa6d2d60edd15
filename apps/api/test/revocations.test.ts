import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createRevocations } from '../src/auth/revocations.ts';
import { createTestApi, registerUser, type TestApi } from './support.ts';

const sessionIdOf = (accessToken: string) =>
  (JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString('utf8')) as { sid: string }).sid;

describe('session liveness behind requireAuth', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });

  /** A live session of a new user on the real database, and Revocations over it counting its reads. */
  async function setUp() {
    const user = await registerUser(api.app);
    const sessions = { ...api.storage.sessions };
    const findSessions = vi.spyOn(sessions, 'findSessions');
    return {
      sessionId: sessionIdOf(user.accessToken),
      findSessions,
      sessions,
      revocations: createRevocations({ sessions, clock: api.clock }),
    };
  }

  /** A session read once and asked for again 1.5 s later (in use, half-way stale), and a new session not read yet. */
  async function busySessionAndNewcomer() {
    const setup = await setUp();
    await setup.revocations.isSessionActive(setup.sessionId);
    api.clock.advance(1_500);
    expect(setup.revocations.knownActivity(setup.sessionId)).toBe(true);
    return { ...setup, newcomer: sessionIdOf((await registerUser(api.app)).accessToken) };
  }

  it('when the session was never read, then knownActivity has no answer; once a read settles, it answers true without another read', async () => {
    const { sessionId, findSessions, revocations } = await setUp();
    expect(revocations.knownActivity(sessionId)).toBeUndefined();
    const reading = revocations.isSessionActive(sessionId);
    expect(revocations.knownActivity(sessionId)).toBeUndefined();
    await expect(reading).resolves.toBe(true);
    expect(revocations.knownActivity(sessionId)).toBe(true);
    expect(revocations.knownActivity(sessionId)).toBe(true);
    expect(findSessions).toHaveBeenCalledTimes(1);
  });

  it('when the session is marked revoked, then knownActivity is false at once and stays false', async () => {
    const { sessionId, revocations } = await setUp();
    await revocations.isSessionActive(sessionId);
    await revocations.markRevoked([sessionId]);
    expect(revocations.knownActivity(sessionId)).toBe(false);
    api.clock.advance(60_000);
    expect(revocations.knownActivity(sessionId)).toBe(false);
  });

  it('when two seconds pass, then knownActivity has no answer and the next check reads the database again', async () => {
    const { sessionId, findSessions, sessions, revocations } = await setUp();
    await revocations.isSessionActive(sessionId);
    // Revoked in the database only, as another instance without a bus would do it.
    await sessions.revokeSession(sessionId, 'logout', new Date(api.clock.now()));
    expect(revocations.knownActivity(sessionId)).toBe(true);
    api.clock.advance(2_000);
    expect(revocations.knownActivity(sessionId)).toBeUndefined();
    await expect(revocations.isSessionActive(sessionId)).resolves.toBe(false);
    expect(revocations.knownActivity(sessionId)).toBe(false);
    expect(findSessions).toHaveBeenCalledTimes(2);
  });

  it('when a read fails, then nothing is remembered and the next check reads again', async () => {
    const { sessionId, findSessions, revocations } = await setUp();
    findSessions.mockRejectedValueOnce(new Error('connection lost'));
    await expect(revocations.isSessionActive(sessionId)).rejects.toThrow('connection lost');
    expect(revocations.knownActivity(sessionId)).toBeUndefined();
    await expect(revocations.isSessionActive(sessionId)).resolves.toBe(true);
    expect(findSessions).toHaveBeenCalledTimes(2);
  });

  it('when a read in flight fails after the session was marked revoked, then the revocation is kept', async () => {
    const { sessionId, findSessions, revocations } = await setUp();
    let fail: (error: Error) => void = () => {};
    findSessions.mockReturnValueOnce(
      new Promise((_resolve, reject) => {
        fail = reject;
      }),
    );
    const reading = revocations.isSessionActive(sessionId);
    // The read is sent at the end of this turn of the event loop.
    await vi.waitFor(() => expect(findSessions).toHaveBeenCalledTimes(1));
    await revocations.markRevoked([sessionId]);
    fail(new Error('connection lost'));
    await expect(reading).rejects.toThrow('connection lost');
    expect(revocations.knownActivity(sessionId)).toBe(false);
    await expect(revocations.isSessionActive(sessionId)).resolves.toBe(false);
    expect(findSessions).toHaveBeenCalledTimes(1);
  });
  it('when several sessions need a read in the same turn, then one query reads them all', async () => {
    const { sessionId, findSessions, revocations } = await setUp();
    const other = sessionIdOf((await registerUser(api.app)).accessToken);
    const answers = Promise.all([
      revocations.isSessionActive(sessionId),
      revocations.isSessionActive(other),
      revocations.isSessionActive(sessionId),
    ]);
    await expect(answers).resolves.toEqual([true, true, true]);
    expect(findSessions).toHaveBeenCalledTimes(1);
    expect([...(findSessions.mock.calls[0]?.[0] ?? [])].sort()).toEqual([sessionId, other].sort());
  });

  it('when a read is sent, then it takes along the sessions asked for since their own read whose answers are half-way stale, and they stay fresh without a read of their own', async () => {
    const { sessionId, findSessions, sessions, revocations } = await setUp();
    const idle = sessionIdOf((await registerUser(api.app)).accessToken);
    await Promise.all([revocations.isSessionActive(sessionId), revocations.isSessionActive(idle)]);
    api.clock.advance(1_000);
    // Busy: asked for again. The other one is not.
    expect(revocations.knownActivity(sessionId)).toBe(true);
    // Revoked in the database only, as another instance without a bus would do it.
    await sessions.revokeSession(sessionId, 'logout', new Date(api.clock.now()));
    const newcomer = sessionIdOf((await registerUser(api.app)).accessToken);
    findSessions.mockClear();
    await expect(revocations.isSessionActive(newcomer)).resolves.toBe(true);
    expect(findSessions).toHaveBeenCalledTimes(1);
    expect([...(findSessions.mock.calls[0]?.[0] ?? [])].sort()).toEqual([newcomer, sessionId].sort());
    // The busy session's answer came with the newcomer's read: the revocation is seen a second
    // before the busy session's own answer would have gone stale, and it needs no read of its own.
    expect(revocations.knownActivity(sessionId)).toBe(false);
    api.clock.advance(1_500);
    expect(revocations.knownActivity(sessionId)).toBe(false);
    expect(revocations.knownActivity(idle)).toBeUndefined();
    expect(findSessions).toHaveBeenCalledTimes(1);
  });

  it('when a read that took a busy session along fails, then its answer stays while it is fresh', async () => {
    const { sessionId, newcomer, findSessions, revocations } = await busySessionAndNewcomer();
    findSessions.mockRejectedValueOnce(new Error('connection lost'));
    await expect(revocations.isSessionActive(newcomer)).rejects.toThrow('connection lost');
    expect(revocations.knownActivity(sessionId)).toBe(true);
    expect(revocations.knownActivity(newcomer)).toBeUndefined();
    api.clock.advance(500);
    expect(revocations.knownActivity(sessionId)).toBeUndefined();
  });

  it('when a session is marked revoked while a read that took it along is in flight, then the revocation is kept', async () => {
    const { sessionId, newcomer, findSessions, revocations } = await busySessionAndNewcomer();
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    findSessions.mockImplementationOnce(async (ids) => {
      await released;
      return api.storage.sessions.findSessions(ids);
    });
    const reading = revocations.isSessionActive(newcomer);
    await vi.waitFor(() => expect(findSessions).toHaveBeenCalledWith(expect.arrayContaining([newcomer, sessionId])));
    await revocations.markRevoked([sessionId]);
    release();
    await expect(reading).resolves.toBe(true);
    expect(revocations.knownActivity(sessionId)).toBe(false);
  });
});
