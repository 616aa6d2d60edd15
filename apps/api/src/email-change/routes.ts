import { ChangeEmailRequest, ConfirmEmailChangeRequest } from '@spa-auth/contract';
import type { Request, RequestHandler } from 'express';
import { personOnly } from '../auth/scopes.ts';
import { LINK_PROBLEM_DETAILS } from '../email-links/email-links.ts';
import { AppError } from '../errors.ts';
import type { AddRoutes, Feature } from '../feature.ts';
import { jsonBody, parseBody, requireJson, validatedBody } from '../http/body.ts';
import type { PasswordCheckLimit } from '../http/rate-limit.ts';
import { createEmailChangeService } from './service.ts';

/**
 * Change of email: POST /api/me/email (the current password, the new address) mails a link to the
 * new address; POST /auth/confirm-email-change applies it, and the old address is told.
 */
export function createEmailChangeFeature(
  deps: Parameters<typeof createEmailChangeService>[0] & {
    /** The current password is checked: the same limits as every password check (http/rate-limit.ts). */
    passwordCheckLimit: PasswordCheckLimit;
    /** The per-recipient and per-IP limits of a route that sends mail (http/rate-limit.ts). */
    mailLimit: (kind: string, recipientOf: (req: Request) => string) => RequestHandler[];
  },
): Feature {
  const service = createEmailChangeService(deps);

  const api: AddRoutes = (router) => {
    router.post(
      '/me/email',
      personOnly,
      deps.passwordCheckLimit.oneAtATime,
      ...validatedBody(ChangeEmailRequest),
      ...deps.passwordCheckLimit.failures,
      // Per new address too: a signed-in account must not become a way to mail someone else at will.
      ...deps.mailLimit('change-email', (req) => String(req.body.newEmail)),
      async (req, res) => {
        const result = await service.request(res.locals.auth.sub, req.body.currentPassword, req.body.newEmail);
        if (result === 'invalid_credentials') throw new AppError(400, 'invalid_credentials', 'The current password is wrong');
        if (result === 'mail_off')
          throw new AppError(503, 'service_unavailable', 'No mail can be sent, so the address cannot be confirmed');
        res.status(202).end();
      },
    );
  };

  const auth: AddRoutes = (router) => {
    router.post('/confirm-email-change', requireJson, jsonBody, async (req, res) => {
      const { token } = parseBody(ConfirmEmailChangeRequest, req.body);
      const result = await service.confirm(token);
      if (!result.ok && result.code === 'email_taken') throw new AppError(409, 'email_taken', 'Another account uses this address now');
      if (!result.ok) throw new AppError(400, result.code, LINK_PROBLEM_DETAILS[result.code]);
      res.status(204).end();
    });
  };

  return { api, auth };
}
