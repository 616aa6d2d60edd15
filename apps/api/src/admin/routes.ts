import { Router } from 'express';
import { requireRole } from '../auth/bearer.ts';
import { toPublicUser, type UserStore } from '../users/users.ts';

/** What the admin feature needs of stored users. */
export type AdminUserStore = Pick<UserStore, 'listUsers'>;

/**
 * The admin feature: GET /api/admin/users, for the admin role only. Mounted at /api behind the
 * app's bearer check (app.ts). Its one query maps straight to the response, so it has no service.
 */
export function createAdminFeature(deps: { users: AdminUserStore }) {
  const router = Router();

  router.get('/admin/users', requireRole('admin'), async (_req, res) => {
    const users = await deps.users.listUsers();
    res.json({ users: users.map((u) => ({ ...toPublicUser(u), createdAt: u.createdAt.toISOString() })) });
  });

  return router;
}
