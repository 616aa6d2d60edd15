import type { Revocations } from '../auth/revocations.ts';
import type { SessionStore } from '../auth/session-store.ts';
import type { Clock } from '../clock.ts';
import type { AccountEvents } from '../events.ts';

/** What the sessions feature needs of the session store (auth/ owns the port). */
export type SessionListStore = Pick<SessionStore, 'listActiveSessions' | 'revokeSession' | 'revokeUserSessions'>;

export type SessionsService = ReturnType<typeof createSessionsService>;

/** The signed-in user's own sessions: list them, end one, end all the others. No req/res here. */
export function createSessionsService(deps: { sessions: SessionListStore; clock: Clock; revocations: Revocations; events: AccountEvents }) {
  const { sessions, clock, revocations, events } = deps;
  const now = () => new Date(clock.now());

  return {
    async listSessions(userId: string, currentSessionId: string | undefined) {
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
      if (revoked) {
        await revocations.markRevoked([sessionId]);
        events.publish({ type: 'sessions_revoked', userId, sessionIds: [sessionId], by: 'user' });
      }
      return revoked;
    },

    async revokeOtherSessions(userId: string, currentSessionId: string) {
      const ended = await sessions.revokeUserSessions(userId, 'revoked_by_user', now(), currentSessionId);
      await revocations.markRevoked(ended);
      if (ended.length > 0) events.publish({ type: 'sessions_revoked', userId, sessionIds: ended, by: 'user' });
    },
  };
}
