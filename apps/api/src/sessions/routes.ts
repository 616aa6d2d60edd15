import { type RequestHandler, Router } from 'express';
import type { Revocations } from '../auth/revocations.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { AccountEvents } from '../events.ts';
import type { Feature } from '../feature.ts';
import { createSessionsService, type SessionListStore } from './service.ts';

/**
 * The sessions feature: GET /api/sessions, POST /api/sessions/revoke-others, DELETE
 * /api/sessions/:id. Mounted at /api behind the app's bearer check (app.ts).
 */
export function createSessionsFeature(deps: {
  sessions: SessionListStore;
  clock: Clock;
  revocations: Revocations;
  events: AccountEvents;
  /** Ending sessions is sensitive (a stolen session must not end the owner's): a recent sign-in (auth/bearer.ts). */
  requireRecentAuth: RequestHandler;
}): Feature {
  const service = createSessionsService(deps);
  const router = Router();

  router.get('/sessions', async (_req, res) => {
    res.json({ sessions: await service.listSessions(res.locals.auth.sub, res.locals.auth.sid) });
  });

  router.post('/sessions/revoke-others', deps.requireRecentAuth, async (_req, res) => {
    await service.revokeOtherSessions(res.locals.auth.sub, res.locals.auth.sid);
    res.status(204).end();
  });

  router.delete('/sessions/:id', deps.requireRecentAuth, async (req, res) => {
    if (!(await service.revokeSession(res.locals.auth.sub, req.params.id as string))) {
      throw new AppError(404, 'not_found', 'No such session');
    }
    res.status(204).end();
  });

  return { api: router };
}
