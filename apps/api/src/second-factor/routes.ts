import { ConfirmTotpRequest, SecondFactorLoginRequest } from '@spa-auth/contract';
import type { Request, RequestHandler } from 'express';
import { requireSecondFactor, type SecondFactorCheck } from '../auth/bearer.ts';
import type { CookiePolicy } from '../auth/cookies.ts';
import { sendSession, userAgentOf } from '../auth/routes.ts';
import { personOnly } from '../auth/scopes.ts';
import { proofIn, proofProblem, proofRefused, type SecondFactorGate, type SecondFactorProof } from '../auth/second-factor.ts';
import { AppError } from '../errors.ts';
import type { AddRoutes, Feature } from '../feature.ts';
import { jsonBody, parseBody, requireJson } from '../http/body.ts';
import { createSecondFactorService } from './service.ts';

export type { SecondFactorStore } from './second-factor-store.ts';

const notEnrolled = () => new AppError(403, 'second_factor_not_enrolled', 'This account has no authenticator app');

/**
 * The second factor: an authenticator app (TOTP, RFC 6238) with one-time recovery codes. Enrolment
 * under /api/me (GET /api/me/second-factor, POST and DELETE /api/me/totp, POST
 * /api/me/totp/confirm, POST /api/me/recovery-codes), the second step of a sign-in (POST
 * /auth/login/second-factor, which also takes another feature's proof, a passkey), and its part of
 * the gate through which login, a password reset and re-authentication ask for it (auth/second-factor.ts). Removing the folder and its line in app.ts
 * removes it: a password alone signs in again.
 */
export function createSecondFactorFeature(
  deps: Omit<Parameters<typeof createSecondFactorService>[0], 'store' | 'encryptionKey' | 'issuer'> & {
    secondFactors: Parameters<typeof createSecondFactorService>[0]['store'];
    mfaEncryptionKey: Buffer;
    jwtIssuer: string;
    cookies: CookiePolicy;
    /** Enrolling needs a recent sign-in (auth/bearer.ts). */
    requireRecentAuth: RequestHandler;
    /** Removing the factor or its recovery codes needs a recent sign-in with the factor (auth/bearer.ts). */
    recentSecondFactorCheck: SecondFactorCheck;
    /** Wrong second steps per user and per IP (http/rate-limit.ts). */
    secondFactorFailureLimit: (userOf: (req: Request) => string | null) => RequestHandler[];
    /** The app's combined gate, through which a passkey completes a second step (auth/second-factor.ts). */
    secondFactor?: () => SecondFactorGate | undefined;
  },
): Feature {
  const service = createSecondFactorService({
    ...deps,
    store: deps.secondFactors,
    encryptionKey: deps.mfaEncryptionKey,
    issuer: deps.jwtIssuer,
  });

  const api: AddRoutes = (router) => {
    router.get('/me/second-factor', personOnly, async (_req, res) => {
      res.json(await service.status(res.locals.auth.sub));
    });

    router.post('/me/totp', personOnly, deps.requireRecentAuth, async (_req, res) => {
      const user = await deps.users.findUserById(res.locals.auth.sub);
      if (!user) throw new AppError(404, 'not_found', 'The account no longer exists');
      const enrolment = await service.startTotp(user);
      if (enrolment === 'already_enrolled') {
        throw new AppError(
          409,
          'second_factor_already_enrolled',
          'An authenticator app is set up already: remove it first to set up another',
        );
      }
      res.status(201).json(enrolment);
    });

    router.post('/me/totp/confirm', personOnly, requireJson, jsonBody, async (req, res) => {
      const { code } = parseBody(ConfirmTotpRequest, req.body);
      const result = await service.confirmTotp(res.locals.auth.sub, code);
      if (result === 'not_pending')
        throw new AppError(409, 'second_factor_not_enrolled', 'No authenticator app is waiting to be confirmed');
      if (result === 'invalid') throw new AppError(400, 'second_factor_invalid', 'The code is wrong: check the time of the device');
      res.json(result);
    });

    const recentSecondFactor = requireSecondFactor(deps.recentSecondFactorCheck);
    router.delete('/me/totp', personOnly, recentSecondFactor, async (_req, res) => {
      if ((await service.removeTotp(res.locals.auth.sub)) === 'not_enrolled') throw notEnrolled();
      res.status(204).end();
    });

    router.post('/me/recovery-codes', personOnly, recentSecondFactor, async (_req, res) => {
      const result = await service.regenerateRecoveryCodes(res.locals.auth.sub);
      if (result === 'not_enrolled') throw notEnrolled();
      res.json(result);
    });
  };

  // The second step of a sign-in: public like login, behind the origin check and the per-IP budget.
  const auth: AddRoutes = (router) => {
    // Whose challenge the request names, for its per-user limit; gone with the request.
    const challengeUsers = new WeakMap<Request, string | null>();
    router.post(
      '/login/second-factor',
      requireJson,
      jsonBody,
      async (req, _res, next) => {
        req.body = parseBody(SecondFactorLoginRequest, req.body);
        challengeUsers.set(req, await service.challengeUser(req.body.challenge));
        next();
      },
      ...deps.secondFactorFailureLimit((req) => challengeUsers.get(req) ?? null),
      async (req, res) => {
        const proof = proofIn(req.body) as SecondFactorProof;
        const result = await service.completeSignIn(req.body.challenge, proof, userAgentOf(req.get('User-Agent')));
        if (result === 'challenge_invalid') {
          throw new AppError(
            401,
            'second_factor_challenge_invalid',
            'This sign-in expired or was used already; sign in with the password again',
          );
        }
        if ('failure' in result) throw proofRefused(401, proofProblem(result.failure));
        sendSession(res, deps.cookies, 200, result);
      },
    );
  };

  return {
    api,
    auth,
    secondFactor: service.part,
    tasks: [
      {
        name: 'expired sign-in challenges',
        retentionMs: 0,
        deleteBefore: (cutoff, limit) => deps.secondFactors.deleteExpiredChallenges(cutoff, limit),
      },
    ],
  };
}
