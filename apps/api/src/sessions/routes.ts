import type { RequestHandler } from 'express';
import type { Revocations } from '../auth/revocations.ts';
import { personOnly, requireScope, sessionCaller } from '../auth/scopes.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { AccountEvents } from '../events.ts';
import type { AddRoutes, Feature } from '../feature.ts';
import { createSessionsService, type SessionListStore } from './service.ts';

/**
 * The sessions feature: GET /api/sessions, POST /api/sessions/revoke-others, DELETE
 * /api/sessions/:id. On the /api router behind the app's bearer check (app.ts).
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
  const api: AddRoutes = (router) => {
    router.get('/sessions', requireScope('sessions:read'), async (_req, res) => {
      const caller = res.locals.auth;
      // An API token's request comes from no session, so none is marked current.
      const current = caller.via === 'session' ? caller.sid : undefined;
      res.json({ sessions: await service.listSessions(caller.sub, current) });
    });

    // "The others" are relative to the caller's own session, which only a browser sign-in has.
    router.post('/sessions/revoke-others', personOnly, deps.requireRecentAuth, async (_req, res) => {
      await service.revokeOtherSessions(res.locals.auth.sub, sessionCaller(res.locals.auth).sid);
      res.status(204).end();
    });

    router.delete('/sessions/:id', requireScope('sessions:write'), deps.requireRecentAuth, async (req, res) => {
      if (!(await service.revokeSession(res.locals.auth.sub, req.params.id as string))) {
        throw new AppError(404, 'not_found', 'No such session');
      }
      res.status(204).end();
    });
  };

  return { api };
}
