import { UpdateUserAccessRequest } from '@spa-auth/contract';
import type { RequestHandler } from 'express';
import { requireRole, requireVerifiedEmail } from '../auth/bearer.ts';
import { requireScope } from '../auth/scopes.ts';
import { AppError } from '../errors.ts';
import type { AddRoutes, Feature } from '../feature.ts';
import { jsonBody, parseBody, requireJson } from '../http/body.ts';
import { createAdminService, decodeUserCursor } from './service.ts';

export type { AdminUserStore } from './service.ts';

const SEARCH_MAX = 100;

/**
 * The admin feature, for the admin role with a verified address: GET /api/admin/users (search and
 * cursor paging), PATCH /api/admin/users/:id (role, disabled) and POST
 * /api/admin/users/:id/sessions/revoke; the two changes also need a recent sign-in.
 */
export function createAdminFeature(
  deps: Parameters<typeof createAdminService>[0] & {
    /** Admin actions are sensitive: they need a recent sign-in (auth/bearer.ts). */
    requireRecentAuth: RequestHandler;
  },
): Feature {
  const service = createAdminService(deps);
  const api: AddRoutes = (router) => {
    router.use('/admin', requireRole('admin'), requireVerifiedEmail);

    router.get('/admin/users', requireScope('admin:read'), async (req, res) => {
      const { search, after } = req.query;
      if ((search !== undefined && typeof search !== 'string') || (typeof search === 'string' && search.length > SEARCH_MAX)) {
        throw new AppError(400, 'validation_failed', 'search must be one string of at most 100 characters', {
          errors: [{ path: 'search', message: 'is not a string of at most 100 characters' }],
        });
      }
      const cursor = after === undefined ? undefined : typeof after === 'string' ? decodeUserCursor(after) : null;
      if (cursor === null) {
        throw new AppError(400, 'validation_failed', 'after must be the nextCursor of a previous page', {
          errors: [{ path: 'after', message: 'is not a cursor' }],
        });
      }
      res.json(await service.listUsers(search?.trim() || undefined, cursor));
    });

    router.patch('/admin/users/:id', requireScope('admin:write'), deps.requireRecentAuth, requireJson, jsonBody, async (req, res) => {
      const change = parseBody(UpdateUserAccessRequest, req.body);
      const result = await service.updateAccess(res.locals.auth.sub, req.params.id as string, change);
      if (result === 'not_found') throw new AppError(404, 'not_found', 'No such user');
      if (result === 'admin_lockout') {
        throw new AppError(
          409,
          'admin_lockout',
          'This would leave no admin able to sign in: an admin cannot demote or disable themselves, nor the last admin',
        );
      }
      res.json({ user: result });
    });

    router.post('/admin/users/:id/sessions/revoke', requireScope('admin:write'), deps.requireRecentAuth, async (req, res) => {
      if (!(await service.endSessions(req.params.id as string))) throw new AppError(404, 'not_found', 'No such user');
      res.status(204).end();
    });
  };

  return { api };
}
