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
    const findSession = vi.spyOn(sessions, 'findSession');
    return {
      sessionId: sessionIdOf(user.accessToken),
      findSession,
      sessions,
      revocations: createRevocations({ sessions, clock: api.clock }),
    };
  }

  it('when the session was never read, then knownActivity has no answer; once a read settles, it answers true without another read', async () => {
    const { sessionId, findSession, revocations } = await setUp();
    expect(revocations.knownActivity(sessionId)).toBeUndefined();
    const reading = revocations.isSessionActive(sessionId);
    expect(revocations.knownActivity(sessionId)).toBeUndefined();
    await expect(reading).resolves.toBe(true);
    expect(revocations.knownActivity(sessionId)).toBe(true);
    expect(revocations.knownActivity(sessionId)).toBe(true);
    expect(findSession).toHaveBeenCalledTimes(1);
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
    const { sessionId, findSession, sessions, revocations } = await setUp();
    await revocations.isSessionActive(sessionId);
    // Revoked in the database only, as another instance without a bus would do it.
    await sessions.revokeSession(sessionId, 'logout', new Date(api.clock.now()));
    expect(revocations.knownActivity(sessionId)).toBe(true);
    api.clock.advance(2_000);
    expect(revocations.knownActivity(sessionId)).toBeUndefined();
    await expect(revocations.isSessionActive(sessionId)).resolves.toBe(false);
    expect(revocations.knownActivity(sessionId)).toBe(false);
    expect(findSession).toHaveBeenCalledTimes(2);
  });

  it('when a read fails, then nothing is remembered and the next check reads again', async () => {
    const { sessionId, findSession, revocations } = await setUp();
    findSession.mockRejectedValueOnce(new Error('connection lost'));
    await expect(revocations.isSessionActive(sessionId)).rejects.toThrow('connection lost');
    expect(revocations.knownActivity(sessionId)).toBeUndefined();
    await expect(revocations.isSessionActive(sessionId)).resolves.toBe(true);
    expect(findSession).toHaveBeenCalledTimes(2);
  });

  it('when a read in flight fails after the session was marked revoked, then the revocation is kept', async () => {
    const { sessionId, findSession, revocations } = await setUp();
    let fail: (error: Error) => void = () => {};
    findSession.mockReturnValueOnce(
      new Promise((_resolve, reject) => {
        fail = reject;
      }),
    );
    const reading = revocations.isSessionActive(sessionId);
    await revocations.markRevoked([sessionId]);
    fail(new Error('connection lost'));
    await expect(reading).rejects.toThrow('connection lost');
    expect(revocations.knownActivity(sessionId)).toBe(false);
    await expect(revocations.isSessionActive(sessionId)).resolves.toBe(false);
    expect(findSession).toHaveBeenCalledTimes(1);
  });
});
