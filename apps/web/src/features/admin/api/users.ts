import { AdminUser, AdminUsersResponse, type UpdateUserAccessRequest } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';
import { infiniteQueryOptions } from '@tanstack/react-query';
import * as z from 'zod/mini';

/** Every query of the user list, whatever the search: what a change invalidates. */
export const ADMIN_USERS_KEY = ['admin', 'users'] as const;

/** The accounts whose email or name contains `search` (all when empty), oldest first, page by page. */
export const adminUsersQuery = (client: ApiClient, search: string) =>
  infiniteQueryOptions({
    queryKey: [...ADMIN_USERS_KEY, search],
    queryFn: async ({ pageParam, signal }) => {
      const params = { ...(search ? { search } : {}), ...(pageParam ? { after: pageParam } : {}) };
      return AdminUsersResponse.parse((await client.http.get('/api/admin/users', { params, signal })).data);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });

const UserResponse = z.object({ user: AdminUser });

/**
 * Changes a user's role or disables or enables the account; every session of the user ends. 409
 * admin_lockout for the admin's own account or the last admin. Needs a recent sign-in: the client
 * asks for the password and sends it again by itself.
 */
export async function updateUserAccess(client: ApiClient, userId: string, change: UpdateUserAccessRequest): Promise<AdminUser> {
  return UserResponse.parse((await client.http.patch(`/api/admin/users/${encodeURIComponent(userId)}`, change)).data).user;
}

/** Ends every session of the user (a lost device, a suspected compromise). Needs a recent sign-in too. */
export async function endUserSessions(client: ApiClient, userId: string): Promise<void> {
  await client.http.post(`/api/admin/users/${encodeURIComponent(userId)}/sessions/revoke`);
}

/** Revokes every API token of the user (a leaked token, a suspected compromise). Needs a recent sign-in too. */
export async function revokeUserApiTokens(client: ApiClient, userId: string): Promise<void> {
  await client.http.post(`/api/admin/users/${encodeURIComponent(userId)}/tokens/revoke`);
}
