import { PasswordResetConfirmRequest, PasswordResetRequest } from '@spa-auth/contract';
import type { Request, RequestHandler } from 'express';
import type { CookiePolicy } from '../auth/cookies.ts';
import { secondStepRequired, sendSession, userAgentOf } from '../auth/routes.ts';
import type { BackgroundWork } from '../background.ts';
import { LINK_PROBLEM_DETAILS } from '../email-links/email-links.ts';
import { AppError } from '../errors.ts';
import type { AddRoutes, Feature } from '../feature.ts';
import { jsonBody, parseBody, requireJson, validatedBody } from '../http/body.ts';
import { createPasswordResetService } from './service.ts';

/**
 * Forgot password: POST /auth/password-reset sends a link (202 whatever the address), and POST
 * /auth/password-reset/confirm sets the new password with it and signs this browser in.
 */
export function createPasswordResetFeature(
  deps: Parameters<typeof createPasswordResetService>[0] & {
    background: BackgroundWork;
    cookies: CookiePolicy;
    /** The per-recipient and per-IP limits of a route that sends mail (http/rate-limit.ts). */
    mailLimit: (kind: string, recipientOf: (req: Request) => string) => RequestHandler[];
  },
): Feature {
  const service = createPasswordResetService(deps);
  const auth: AddRoutes = (router) => {
    router.post(
      '/password-reset',
      // Validated first, so the per-address limit counts the normalised address.
      ...validatedBody(PasswordResetRequest),
      ...deps.mailLimit('reset', (req) => String(req.body.email)),
      (req, res) => {
        const { email } = req.body as { email: string };
        // The same answer at once for every address; the lookup and the mail come after it.
        res.status(202).end();
        deps.background.run('password reset link', () => service.sendLink(email));
      },
    );

    router.post('/password-reset/confirm', requireJson, jsonBody, async (req, res) => {
      const { token, newPassword } = parseBody(PasswordResetConfirmRequest, req.body);
      const result = await service.reset(token, newPassword, userAgentOf(req.get('User-Agent')));
      if (!result.ok) throw new AppError(400, result.code, LINK_PROBLEM_DETAILS[result.code]);
      if ('secondFactor' in result.session) throw secondStepRequired(result.session);
      sendSession(res, deps.cookies, 200, result.session);
    });
  };

  return { auth };
}
