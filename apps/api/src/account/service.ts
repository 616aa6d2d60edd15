import type { ChangePasswordRequest } from '@spa-auth/contract';
import type { Passwords } from '../auth/passwords.ts';
import type { Revocations } from '../auth/revocations.ts';
import { toPublicUser } from '../auth/service.ts';
import type { Clock } from '../clock.ts';
import type { Store } from '../store/store.ts';

export type AccountService = ReturnType<typeof createAccountService>;

/** The signed-in user's own data and sessions, and the admin's user list. No req/res here. */
export function createAccountService(deps: { store: Store; clock: Clock; passwords: Passwords; revocations: Revocations }) {
  const { store, clock, passwords, revocations } = deps;
  const now = () => new Date(clock.now());

  return {
    async getMe(userId: string) {
      const user = await store.findUserById(userId);
      return user ? toPublicUser(user) : null;
    },

    async updateName(userId: string, name: string) {
      const user = await store.updateUserName(userId, name, now());
      return user ? toPublicUser(user) : null;
    },

    /** Changing the password ends every other session: whoever knew the old one is signed out. */
    async changePassword(userId: string, currentSessionId: string, input: ChangePasswordRequest): Promise<'ok' | 'invalid_credentials'> {
      const user = await store.findUserById(userId);
      if (!user || !(await passwords.verifyPassword(user.passwordHash, input.currentPassword))) return 'invalid_credentials';
      const revoked = await store.changePassword(userId, await passwords.hashPassword(input.newPassword), now(), currentSessionId);
      await revocations.markRevoked(revoked);
      return 'ok';
    },

    async listSessions(userId: string, currentSessionId: string) {
      const sessions = await store.listActiveSessions(userId, now());
      return sessions.map((s) => ({
        id: s.id,
        createdAt: s.createdAt.toISOString(),
        lastUsedAt: s.lastUsedAt.toISOString(),
        userAgent: s.userAgent,
        current: s.id === currentSessionId,
      }));
    },

    /** False when the session is not one of the user's live sessions (the route answers 404). */
    async revokeSession(userId: string, sessionId: string): Promise<boolean> {
      const revoked = await store.revokeSession(sessionId, 'revoked_by_user', now(), userId);
      if (revoked) await revocations.markRevoked([sessionId]);
      return revoked;
    },

    async revokeOtherSessions(userId: string, currentSessionId: string) {
      await revocations.markRevoked(await store.revokeUserSessions(userId, 'revoked_by_user', now(), currentSessionId));
    },

    async listUsers() {
      const users = await store.listUsers();
      return users.map((u) => ({ ...toPublicUser(u), createdAt: u.createdAt.toISOString() }));
    },
  };
}
