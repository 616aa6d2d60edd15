import type { Request, RequestHandler } from 'express';
import { requireRole, requireVerifiedEmail } from '../auth/bearer.ts';
import { requireScope } from '../auth/scopes.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { AccountEvents } from '../events.ts';
import type { AddRoutes, Feature } from '../feature.ts';
import type { ActivityStore } from './activity.ts';
import { createActivityService, decodeCursor } from './service.ts';

/**
 * The security activity log: every account event is recorded (sign-ins, failed sign-ins, password
 * and email changes, ended sessions, refresh-token reuse). GET /api/me/activity shows the user's
 * own, GET /api/admin/users/:id/activity anyone's to an admin; both page with `?after=<cursor>`.
 */
export function createActivityFeature(deps: { activity: ActivityStore; events: AccountEvents; clock: Clock }): Feature {
  const service = createActivityService(deps);
  deps.events.subscribe((event) => service.record(event));

  const afterOf = (req: Request) => {
    const text = req.query.after;
    if (text === undefined) return undefined;
    const cursor = typeof text === 'string' ? decodeCursor(text) : null;
    if (!cursor)
      throw new AppError(400, 'validation_failed', 'after must be the nextCursor of a previous page', {
        errors: [{ path: 'after', message: 'is not a cursor' }],
      });
    return cursor;
  };
  const page: (userOf: (req: Request) => string) => RequestHandler = (userOf) => async (req, res) => {
    res.json(await service.page(userOf(req), afterOf(req)));
  };

  const api: AddRoutes = (router) => {
    router.get(
      '/me/activity',
      requireScope('activity:read'),
      page((req) => req.res?.locals.auth.sub ?? ''),
    );
    router.get(
      '/admin/users/:id/activity',
      requireRole('admin'),
      requireVerifiedEmail,
      requireScope('admin:read'),
      page((req) => req.params.id as string),
    );
  };
  return { api };
}
