import { ChangePasswordRequest, UpdateMeRequest } from '@spa-auth/contract';
import type { RequestHandler } from 'express';
import { type CookiePolicy, clearRefreshCookie } from '../auth/cookies.ts';
import type { Passwords } from '../auth/passwords.ts';
import type { Revocations } from '../auth/revocations.ts';
import { personOnly, requireScope, sessionCaller } from '../auth/scopes.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { AccountEvents } from '../events.ts';
import type { AddRoutes, Feature } from '../feature.ts';
import { jsonBody, parseBody, requireJson, validatedBody } from '../http/body.ts';
import type { PasswordCheckLimit } from '../http/rate-limit.ts';
import { type AccountUserStore, createAccountService } from './service.ts';

// Same challenge as bearer.ts's session_revoked: clients start their refresh on error="invalid_token" (RFC 6750 3).
const userGone = () =>
  new AppError(401, 'session_revoked', 'The account no longer exists', {
    headers: { 'WWW-Authenticate': 'Bearer realm="spa-auth", error="invalid_token", error_description="The account no longer exists"' },
  });

/**
 * The account feature: GET, PATCH and DELETE /api/me, PUT /api/me/password. On the /api router behind
 * the app's bearer check (app.ts), so res.locals.auth is the verified caller.
 */
export function createAccountFeature(deps: {
  users: AccountUserStore;
  clock: Clock;
  passwords: Passwords;
  revocations: Revocations;
  events: AccountEvents;
  /** One check per user at a time, and limits on wrong passwords per user and IP (http/rate-limit.ts). */
  passwordCheckLimit: PasswordCheckLimit;
  /** Deleting the account needs a recent sign-in (auth/bearer.ts). */
  requireRecentAuth: RequestHandler;
  cookies: CookiePolicy;
}): Feature {
  const { passwordCheckLimit } = deps;
  const account = createAccountService(deps);
  const api: AddRoutes = (router) => {
    router.get('/me', requireScope('profile:read'), async (_req, res) => {
      const user = await account.getMe(res.locals.auth.sub);
      if (!user) throw userGone();
      res.json({ user });
    });

    router.patch('/me', requireScope('profile:write'), requireJson, jsonBody, async (req, res) => {
      const { name } = parseBody(UpdateMeRequest, req.body);
      const user = await account.updateName(res.locals.auth.sub, name);
      if (!user) throw userGone();
      res.json({ user });
    });

    router.delete('/me', personOnly, deps.requireRecentAuth, async (_req, res) => {
      const result = await account.deleteAccount(res.locals.auth.sub);
      if (result === 'gone') throw userGone();
      if (result === 'last_admin') {
        throw new AppError(409, 'admin_lockout', 'The last admin cannot delete their account: make another account admin first');
      }
      // This browser's refresh cookie names a session that no longer exists: clear it.
      clearRefreshCookie(res, deps.cookies);
      res.status(204).end();
    });

    router.put(
      '/me/password',
      personOnly,
      // The one-check-at-a-time gate comes first, so a burst from one account is refused before its
      // bodies are even read; the failure counts come after validation, so that only a wrong current
      // password counts as a failure.
      passwordCheckLimit.oneAtATime,
      ...validatedBody(ChangePasswordRequest),
      ...passwordCheckLimit.failures,
      async (req, res) => {
        const result = await account.changePassword(res.locals.auth.sub, sessionCaller(res.locals.auth).sid, req.body);
        if (result === 'invalid_credentials') throw new AppError(400, 'invalid_credentials', 'The current password is wrong');
        res.status(204).end();
      },
    );
  };

  return { api };
}
