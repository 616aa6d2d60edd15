import type { Role } from '@spa-auth/contract';
import type { Revocations } from '../auth/revocations.ts';
import type { SessionStore } from '../auth/session-store.ts';
import type { Clock } from '../clock.ts';
import type { AccountEvents } from '../events.ts';
import { toPublicUser, type UserCursor, type UserRecord, type UserStore } from '../users/users.ts';

/** What the admin feature needs of stored users and sessions. */
export type AdminUserStore = Pick<UserStore, 'listUsers' | 'updateUserAccess' | 'findUserById'>;
export type AdminSessionStore = Pick<SessionStore, 'revokeUserSessions'>;

/** Users per page of the admin list, at most. */
export const USERS_PAGE_SIZE = 50;

const toAdminUser = (u: UserRecord) => ({
  ...toPublicUser(u),
  createdAt: u.createdAt.toISOString(),
  emailVerified: u.emailVerifiedAt !== null,
  disabled: u.disabledAt !== null,
});

/** Opaque to clients: base64url of the last user's creation time and id. */
const encodeCursor = (c: UserCursor) => Buffer.from(`${c.createdAt.toISOString()}|${c.id}`).toString('base64url');

export function decodeUserCursor(text: string): UserCursor | null {
  const [at = '', id = ''] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { createdAt, id };
}

export type AdminService = ReturnType<typeof createAdminService>;

/** The admin's controls over accounts. No req/res here; the routes check the admin and a recent sign-in. */
export function createAdminService(deps: {
  users: AdminUserStore;
  sessions: AdminSessionStore;
  revocations: Revocations;
  events: AccountEvents;
  clock: Clock;
}) {
  const { users, sessions, revocations, events, clock } = deps;

  return {
    async listUsers(search: string | undefined, after: UserCursor | undefined) {
      const rows = await users.listUsers({ ...(search ? { search } : {}), ...(after ? { after } : {}), limit: USERS_PAGE_SIZE + 1 });
      const page = rows.slice(0, USERS_PAGE_SIZE);
      const last = page.at(-1);
      return { users: page.map(toAdminUser), nextCursor: rows.length > USERS_PAGE_SIZE && last ? encodeCursor(last) : null };
    },

    /**
     * Disables or enables an account, or changes its role. Either ends every session of the user at
     * once, everywhere (a role is in the access token, so it takes effect only with new tokens): the
     * user signs in again with the new role, or not at all while disabled. An admin cannot change
     * their own access, and the last enabled admin cannot be demoted or disabled.
     */
    async updateAccess(adminId: string, userId: string, change: { role?: Role; disabled?: boolean }) {
      if (adminId === userId) return 'admin_lockout' as const;
      const result = await users.updateUserAccess(userId, change, new Date(clock.now()));
      if (result === null || result === 'last_admin') return result === null ? ('not_found' as const) : ('admin_lockout' as const);
      await revocations.markRevoked(result.endedSessionIds);
      if (change.role !== undefined) events.publish({ type: 'access_changed', user: result.user, adminId, change: { role: change.role } });
      if (change.disabled !== undefined)
        events.publish({ type: 'access_changed', user: result.user, adminId, change: { disabled: change.disabled } });
      return toAdminUser(result.user);
    },

    /** Ends every session of the user (a lost device, a suspected compromise). False for an unknown user. */
    async endSessions(userId: string): Promise<boolean> {
      if (!(await users.findUserById(userId))) return false;
      const ended = await sessions.revokeUserSessions(userId, 'revoked_by_admin', new Date(clock.now()));
      await revocations.markRevoked(ended);
      if (ended.length > 0) events.publish({ type: 'sessions_revoked', userId, sessionIds: ended, by: 'admin' });
      return true;
    },
  };
}
