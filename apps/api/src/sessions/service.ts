import type { Revocations } from '../auth/revocations.ts';
import type { SessionStore } from '../auth/session-store.ts';
import type { Clock } from '../clock.ts';

/** What the sessions feature needs of the session store (auth/ owns the port). */
export type SessionListStore = Pick<SessionStore, 'listActiveSessions' | 'revokeSession' | 'revokeUserSessions'>;

export type SessionsService = ReturnType<typeof createSessionsService>;

/** The signed-in user's own sessions: list them, end one, end all the others. No req/res here. */
export function createSessionsService(deps: { sessions: SessionListStore; clock: Clock; revocations: Revocations }) {
  const { sessions, clock, revocations } = deps;
  const now = () => new Date(clock.now());

  return {
    async listSessions(userId: string, currentSessionId: string) {
      const active = await sessions.listActiveSessions(userId, now());
      return active.map((s) => ({
        id: s.id,
        createdAt: s.createdAt.toISOString(),
        lastUsedAt: s.lastUsedAt.toISOString(),
        userAgent: s.userAgent,
        current: s.id === currentSessionId,
      }));
    },

    /** False when the session is not one of the user's live sessions (the route answers 404). */
    async revokeSession(userId: string, sessionId: string): Promise<boolean> {
      const revoked = await sessions.revokeSession(sessionId, 'revoked_by_user', now(), userId);
      if (revoked) await revocations.markRevoked([sessionId]);
      return revoked;
    },

    async revokeOtherSessions(userId: string, currentSessionId: string) {
      await revocations.markRevoked(await sessions.revokeUserSessions(userId, 'revoked_by_user', now(), currentSessionId));
    },
  };
}
