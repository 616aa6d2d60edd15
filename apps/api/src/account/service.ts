import type { ChangePasswordRequest } from '@spa-auth/contract';
import type { Passwords } from '../auth/passwords.ts';
import type { Revocations } from '../auth/revocations.ts';
import type { Clock } from '../clock.ts';
import type { AccountEvents } from '../events.ts';
import { toPublicUser, type UserRecord, type UserStore } from '../users/users.ts';

/** What the account feature needs of stored users. */
export type AccountUserStore = Pick<UserStore, 'findUserById' | 'updateUserName' | 'changePassword' | 'deleteUser'>;

/** The signed-in user's own view (GET and PATCH /api/me). */
const toMe = (user: UserRecord) => ({ ...toPublicUser(user), emailVerified: user.emailVerifiedAt !== null });

export type AccountService = ReturnType<typeof createAccountService>;

/** The signed-in user's own profile and password. No req/res here. */
export function createAccountService(deps: {
  users: AccountUserStore;
  clock: Clock;
  passwords: Passwords;
  revocations: Revocations;
  events: AccountEvents;
}) {
  const { users, clock, passwords, revocations, events } = deps;
  const now = () => new Date(clock.now());

  return {
    async getMe(userId: string) {
      const user = await users.findUserById(userId);
      return user ? toMe(user) : null;
    },

    async updateName(userId: string, name: string) {
      const user = await users.updateUserName(userId, name, now());
      return user ? toMe(user) : null;
    },

    /** Changing the password ends every other session: whoever knew the old one is signed out. */
    async changePassword(userId: string, currentSessionId: string, input: ChangePasswordRequest): Promise<'ok' | 'invalid_credentials'> {
      const user = await users.findUserById(userId);
      if (!user || !(await passwords.verifyPassword(user.passwordHash, input.currentPassword))) return 'invalid_credentials';
      const revoked = await users.changePassword(userId, await passwords.hashPassword(input.newPassword), now(), currentSessionId);
      await revocations.markRevoked(revoked);
      events.publish({ type: 'password_changed', user, via: 'change' });
      return 'ok';
    },

    /**
     * Deletes the account and everything of it; its access tokens are refused at once. 'gone' if it
     * was gone already, 'last_admin' for the last enabled admin (the system would have none).
     */
    async deleteAccount(userId: string): Promise<'deleted' | 'gone' | 'last_admin'> {
      const ended = await users.deleteUser(userId);
      if (ended === null) return 'gone';
      if (ended === 'last_admin') return 'last_admin';
      await revocations.markRevoked(ended);
      return 'deleted';
    },
  };
}
