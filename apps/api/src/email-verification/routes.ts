import { VerifyEmailRequest } from '@spa-auth/contract';
import type { Request, RequestHandler } from 'express';
import { personOnly } from '../auth/scopes.ts';
import type { Clock } from '../clock.ts';
import { type EmailLinkStore, LINK_PROBLEM_DETAILS } from '../email-links/email-links.ts';
import { AppError } from '../errors.ts';
import type { AccountEvents } from '../events.ts';
import type { AddRoutes, Feature } from '../feature.ts';
import { jsonBody, parseBody, requireJson } from '../http/body.ts';
import type { Outbox } from '../mail/outbox.ts';
import type { UserStore } from '../users/users.ts';
import { createEmailVerificationService } from './service.ts';

/**
 * Email verification: a link on registration, POST /auth/verify-email to apply it (public: the link
 * may be opened in another browser), POST /api/me/verification-email to send it again.
 */
export function createEmailVerificationFeature(deps: {
  users: Pick<UserStore, 'findUserById' | 'markEmailVerified'>;
  emailLinks: EmailLinkStore;
  outbox: Outbox;
  events: AccountEvents;
  clock: Clock;
  appUrl: string;
  /** The per-recipient and per-IP limits of a route that sends mail (http/rate-limit.ts). */
  mailLimit: (kind: string, recipientOf: (req: Request) => string) => RequestHandler[];
}): Feature {
  const service = createEmailVerificationService(deps);
  deps.events.subscribe(async (event) => {
    if (event.type === 'user_registered' && event.user.emailVerifiedAt === null) await service.sendLink(event.user);
  });

  const auth: AddRoutes = (router) => {
    router.post('/verify-email', requireJson, jsonBody, async (req, res) => {
      const { token } = parseBody(VerifyEmailRequest, req.body);
      const result = await service.verify(token);
      if (!result.ok) throw new AppError(400, result.code, LINK_PROBLEM_DETAILS[result.code]);
      res.status(204).end();
    });
  };

  const api: AddRoutes = (router) => {
    router.post(
      '/me/verification-email',
      personOnly,
      ...deps.mailLimit('verify', (req) => req.res?.locals.auth.sub ?? ''),
      async (_req, res) => {
        await service.resend(res.locals.auth.sub);
        res.status(202).end();
      },
    );
  };

  return { auth, api };
}
