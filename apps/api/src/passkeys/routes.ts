import { PasskeyAssertion, RegisterPasskeyRequest, RenamePasskeyRequest, SecondStepPasskeyOptionsRequest } from '@spa-auth/contract';
import type { RequestHandler, Response } from 'express';
import type { CookiePolicy } from '../auth/cookies.ts';
import { sendSession, userAgentOf } from '../auth/routes.ts';
import { personOnly } from '../auth/scopes.ts';
import { proofRefused, type SecondFactorGate } from '../auth/second-factor.ts';
import { AppError } from '../errors.ts';
import type { AddRoutes, Feature } from '../feature.ts';
import { jsonBody, parseBody, requireJson, validatedBody } from '../http/body.ts';
import type { UserRecord } from '../users/users.ts';
import { createPasskeyService, type RelyingParty } from './service.ts';

export type { PasskeyStore } from './passkey-store.ts';

const notFound = () => new AppError(404, 'not_found', 'No such passkey');
const noPasskey = () => new AppError(403, 'second_factor_not_enrolled', 'This account has no passkey: register one first');

/**
 * Passkeys (WebAuthn): registered from the signed-in account (POST /api/me/passkeys/registration-options,
 * POST /api/me/passkeys), listed, renamed and removed (GET /api/me/passkeys, PATCH and DELETE
 * /api/me/passkeys/:id); a sign-in with no email typed (POST /auth/passkey/options, POST
 * /auth/passkey); and the part of the second factor through which a passkey completes a second
 * step (options from POST /auth/login/second-factor/passkey-options) or a re-authentication
 * (options from POST /api/me/passkeys/reauthentication-options). Removing the folder and its line in
 * app.ts removes them: passwords and the authenticator app work as before.
 */
export function createPasskeysFeature(
  deps: Omit<Parameters<typeof createPasskeyService>[0], 'store' | 'relyingParty'> & {
    passkeys: Parameters<typeof createPasskeyService>[0]['store'];
    webauthn: RelyingParty;
    cookies: CookiePolicy;
    /** Registering and removing a passkey need a recent sign-in (auth/bearer.ts). */
    requireRecentAuth: RequestHandler;
    /** Failed passkey sign-ins per IP (http/rate-limit.ts). */
    passkeyFailureLimit: RequestHandler;
    /** The app's combined gate: whose live sign-in challenge a second step's options are for. */
    secondFactor: () => SecondFactorGate | undefined;
  },
): Feature {
  const service = createPasskeyService({ ...deps, store: deps.passkeys, relyingParty: deps.webauthn });
  const userOf = async (res: Response): Promise<UserRecord> => {
    const user = await deps.users.findUserById(res.locals.auth.sub);
    if (!user) throw new AppError(404, 'not_found', 'The account no longer exists');
    return user;
  };

  // A reset is how an account is taken back: passkeys added by whoever held it must go with it.
  deps.events.subscribe(async (event) => {
    if (event.type === 'password_changed' && event.via === 'reset') await service.removeAll(event.user);
  });

  const api: AddRoutes = (router) => {
    router.use('/me/passkeys', personOnly);
    router.get('/me/passkeys', async (_req, res) => {
      res.json({ passkeys: await service.list(res.locals.auth.sub) });
    });

    router.post('/me/passkeys/registration-options', deps.requireRecentAuth, async (_req, res) => {
      const options = await service.registrationOptions(await userOf(res));
      if (options === 'limit') throw limitReached();
      res.json(options);
    });

    // The recent sign-in was asked for the options; the ceremony they started carries it for its five minutes.
    router.post('/me/passkeys', requireJson, jsonBody, async (req, res) => {
      const request = parseBody(RegisterPasskeyRequest, req.body);
      const result = await service.register(await userOf(res), request);
      if (result === 'limit') throw limitReached();
      if (result === 'duplicate') throw new AppError(409, 'passkey_already_registered', 'This passkey is registered already');
      if (typeof result === 'string') throw proofRefused(400, result);
      res.status(201).json({ passkey: result });
    });

    router.post('/me/passkeys/reauthentication-options', async (_req, res) => {
      const options = await service.accountOptions(res.locals.auth.sub, 'reauthentication');
      if (!options) throw noPasskey();
      res.json(options);
    });

    router.patch('/me/passkeys/:id', requireJson, jsonBody, async (req, res) => {
      const { name } = parseBody(RenamePasskeyRequest, req.body);
      const passkey = await service.rename(res.locals.auth.sub, req.params.id as string, name);
      if (!passkey) throw notFound();
      res.json({ passkey });
    });

    router.delete('/me/passkeys/:id', deps.requireRecentAuth, async (req, res) => {
      if (!(await service.remove(await userOf(res), req.params.id as string))) throw notFound();
      res.status(204).end();
    });
  };

  // Public like login: behind the origin check and the per-IP budget of /auth.
  const auth: AddRoutes = (router) => {
    router.post('/passkey/options', async (_req, res) => {
      res.set('Cache-Control', 'no-store').json(await service.signInOptions());
    });

    router.post('/passkey', ...validatedBody(PasskeyAssertion), deps.passkeyFailureLimit, async (req, res) => {
      const result = await service.signIn(req.body, userAgentOf(req.get('User-Agent')));
      if ('failure' in result) {
        if (result.failure === 'account_disabled')
          throw new AppError(403, 'account_disabled', 'This account is disabled; ask an administrator');
        throw proofRefused(401, result.failure);
      }
      sendSession(res, deps.cookies, 200, result);
    });

    router.post('/login/second-factor/passkey-options', requireJson, jsonBody, async (req, res) => {
      const { challenge } = parseBody(SecondStepPasskeyOptionsRequest, req.body);
      const userId = await deps.secondFactor()?.challengeUser(challenge);
      if (!userId) {
        throw new AppError(
          401,
          'second_factor_challenge_invalid',
          'This sign-in expired or was used already; sign in with the password again',
        );
      }
      const options = await service.accountOptions(userId, 'second_step');
      if (!options) throw noPasskey();
      res.set('Cache-Control', 'no-store').json(options);
    });
  };

  return {
    api,
    auth,
    secondFactor: service.part,
    tasks: [
      {
        name: 'expired passkey ceremonies',
        retentionMs: 0,
        deleteBefore: (cutoff, limit) => deps.passkeys.deleteExpiredCeremonies(cutoff, limit),
      },
    ],
  };
}

const limitReached = () => new AppError(409, 'passkey_limit', 'This account has as many passkeys as it may: remove one first');
