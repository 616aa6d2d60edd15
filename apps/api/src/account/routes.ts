import { ChangePasswordRequest, UpdateMeRequest } from '@spa-auth/contract';
import { Router } from 'express';
import { AppError } from '../errors.ts';
import { requireRole } from '../http/bearer.ts';
import { jsonBody, parseBody, requireJson } from '../http/body.ts';
import type { PasswordCheckLimit } from '../http/rate-limit.ts';
import type { AccountService } from './service.ts';

// Same challenge as bearer.ts's session_revoked: clients start their refresh on error="invalid_token" (RFC 6750 3).
const userGone = () =>
  new AppError(401, 'session_revoked', 'The account no longer exists', {
    headers: { 'WWW-Authenticate': 'Bearer realm="spa-auth", error="invalid_token", error_description="The account no longer exists"' },
  });

/** /api/*: mounted behind the app's bearer check (app.ts), so res.locals.auth is the verified caller. */
export function createAccountRoutes(deps: {
  account: AccountService;
  /** One check per user at a time, and limits on wrong passwords per user and IP (http/rate-limit.ts). */
  passwordCheckLimit: PasswordCheckLimit;
}) {
  const { account, passwordCheckLimit } = deps;
  const router = Router();

  router.get('/me', async (_req, res) => {
    const user = await account.getMe(res.locals.auth.sub);
    if (!user) throw userGone();
    res.json({ user });
  });

  router.patch('/me', requireJson, jsonBody, async (req, res) => {
    const { name } = parseBody(UpdateMeRequest, req.body);
    const user = await account.updateName(res.locals.auth.sub, name);
    if (!user) throw userGone();
    res.json({ user });
  });

  router.put(
    '/me/password',
    // The one-check-at-a-time gate comes first, so a burst from one account is refused before its
    // bodies are even read; the failure counts come after validation, so that only a wrong current
    // password counts as a failure.
    passwordCheckLimit.oneAtATime,
    requireJson,
    jsonBody,
    (req, _res, next) => {
      req.body = parseBody(ChangePasswordRequest, req.body);
      next();
    },
    ...passwordCheckLimit.failures,
    async (req, res) => {
      const result = await account.changePassword(res.locals.auth.sub, res.locals.auth.sid, req.body);
      if (result === 'invalid_credentials') throw new AppError(400, 'invalid_credentials', 'The current password is wrong');
      res.status(204).end();
    },
  );

  router.get('/sessions', async (_req, res) => {
    res.json({ sessions: await account.listSessions(res.locals.auth.sub, res.locals.auth.sid) });
  });

  router.post('/sessions/revoke-others', async (_req, res) => {
    await account.revokeOtherSessions(res.locals.auth.sub, res.locals.auth.sid);
    res.status(204).end();
  });

  router.delete('/sessions/:id', async (req, res) => {
    if (!(await account.revokeSession(res.locals.auth.sub, req.params.id as string))) {
      throw new AppError(404, 'not_found', 'No such session');
    }
    res.status(204).end();
  });

  router.get('/admin/users', requireRole('admin'), async (_req, res) => {
    res.json({ users: await account.listUsers() });
  });

  return router;
}
