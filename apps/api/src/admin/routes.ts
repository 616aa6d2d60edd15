import { Router } from 'express';
import { requireRole, requireVerifiedEmail } from '../auth/bearer.ts';
import type { Feature } from '../feature.ts';
import { toPublicUser, type UserStore } from '../users/users.ts';

/** What the admin feature needs of stored users. */
export type AdminUserStore = Pick<UserStore, 'listUsers'>;

/**
 * The admin feature: GET /api/admin/users, for the admin role with a verified email only. Mounted at /api behind the
 * app's bearer check (app.ts). Its one query maps straight to the response, so it has no service.
 */
export function createAdminFeature(deps: { users: AdminUserStore }): Feature {
  const router = Router();

  router.get('/admin/users', requireRole('admin'), requireVerifiedEmail, async (_req, res) => {
    const users = await deps.users.listUsers();
    res.json({
      users: users.map((u) => ({ ...toPublicUser(u), createdAt: u.createdAt.toISOString(), emailVerified: u.emailVerifiedAt !== null })),
    });
  });

  return { api: router };
}
