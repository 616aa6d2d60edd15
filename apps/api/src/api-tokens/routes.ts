import { CreateApiTokenRequest } from '@spa-auth/contract';
import type { Request, RequestHandler } from 'express';
import { requireRole, requireVerifiedEmail, type SecondFactorCheck } from '../auth/bearer.ts';
import type { RevocationBus } from '../auth/revocations.ts';
import { personOnly, sessionCaller } from '../auth/scopes.ts';
import type { BackgroundWork } from '../background.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { AccountEvents } from '../events.ts';
import type { AddRoutes, Feature } from '../feature.ts';
import { jsonBody, parseBody, requireJson } from '../http/body.ts';
import type { UserStore } from '../users/users.ts';
import type { ApiTokenStore } from './api-tokens.ts';
import { createApiTokenAuthentication } from './authenticator.ts';
import { createApiTokenService, ENDED_API_TOKEN_RETENTION_MS } from './service.ts';

/**
 * API tokens (personal access tokens) for scripts and other programs: made, listed and revoked by
 * the person (GET, POST /api/tokens, DELETE /api/tokens/:id), revoked by an admin (GET
 * /api/admin/users/:id/tokens, POST /api/admin/users/:id/tokens/revoke), and accepted by the
 * bearer check on every /api route, within the scopes each route declares. None of these routes
 * takes an API token: making or ending tokens needs the person.
 */
export function createApiTokensFeature(deps: {
  apiTokens: ApiTokenStore;
  users: Pick<UserStore, 'findUserById'>;
  clock: Clock;
  events: AccountEvents;
  background: BackgroundWork;
  /** Tells the other instances which tokens to re-read (Redis); without it they re-read within 2 s. */
  createBus?: ((topic: string) => RevocationBus) | undefined;
  /** Making a token is sensitive: it needs a recent sign-in (auth/bearer.ts). */
  requireRecentAuth: RequestHandler;
  /** Requests per token per window, with RateLimit headers (http/rate-limit.ts). */
  limitPerToken: (tokenOf: (req: Request) => string | undefined) => RequestHandler;
  /**
   * REQUIRE_MFA_FOR_ADMIN: a token with an admin scope is made only by a sign-in with the second
   * factor, since the admin routes let API tokens through without asking for one.
   */
  adminScopesNeedSecondFactor?: SecondFactorCheck | undefined;
}): Feature {
  const authentication = createApiTokenAuthentication({
    store: deps.apiTokens,
    clock: deps.clock,
    events: deps.events,
    background: deps.background,
    bus: deps.createBus?.('revoked-api-tokens'),
  });
  const service = createApiTokenService({ store: deps.apiTokens, clock: deps.clock, events: deps.events, authentication });

  deps.events.subscribe(async (event) => {
    // A reset is how an account is taken back: tokens made by whoever held it must end with it. A
    // change of password by the signed-in person leaves the tokens to the page that lists them.
    if (event.type === 'password_changed' && event.via === 'reset') await service.revokeAll(event.user.id, 'password_reset');
    if (event.type !== 'access_changed') return;
    if (event.change.disabled === true) await service.revokeAll(event.user.id, 'account_disabled');
    else if (event.change.role !== undefined) await service.roleChanged(event.user.id);
  });

  const api: AddRoutes = (router) => {
    router.use('/tokens', personOnly);
    router.get('/tokens', async (_req, res) => {
      res.json({ tokens: await service.list(res.locals.auth.sub) });
    });
    router.post('/tokens', deps.requireRecentAuth, requireJson, jsonBody, async (req, res) => {
      const request = parseBody(CreateApiTokenRequest, req.body);
      const caller = sessionCaller(res.locals.auth);
      // Only a scope the role carries gets this far in service.create; the check comes first so a
      // user's own scopes never wait on it.
      if (deps.adminScopesNeedSecondFactor && caller.role === 'admin' && request.scopes.some((scope) => scope.startsWith('admin:'))) {
        await deps.adminScopesNeedSecondFactor(caller);
      }
      const created = await service.create(caller, request);
      res.status(201).json(created);
    });
    router.delete('/tokens/:id', async (req, res) => {
      if (!(await service.revoke(res.locals.auth.sub, req.params.id as string, 'user'))) {
        throw new AppError(404, 'not_found', 'No such API token');
      }
      res.status(204).end();
    });

    const userOr404 = async (id: string) => {
      if (!(await deps.users.findUserById(id))) throw new AppError(404, 'not_found', 'No such user');
    };
    router.use('/admin/users/:id/tokens', personOnly, requireRole('admin'), requireVerifiedEmail);
    router.get('/admin/users/:id/tokens', async (req, res) => {
      await userOr404(req.params.id as string);
      res.json({ tokens: await service.list(req.params.id as string) });
    });
    router.post('/admin/users/:id/tokens/revoke', deps.requireRecentAuth, async (req, res) => {
      await userOr404(req.params.id as string);
      await service.revokeAll(req.params.id as string, 'admin');
      res.status(204).end();
    });
  };

  return {
    api,
    bearer: authentication,
    // Only requests that came with an API token count; a browser session is limited elsewhere.
    guard: deps.limitPerToken((req) => {
      const caller = req.res?.locals.auth;
      return caller?.via === 'api_token' ? caller.tokenId : undefined;
    }),
    tasks: [
      { name: 'API token expiries reported', retentionMs: 0, deleteBefore: (_cutoff, limit) => service.noteExpired(limit) },
      {
        name: 'ended API tokens',
        retentionMs: ENDED_API_TOKEN_RETENTION_MS,
        deleteBefore: (cutoff, limit) => deps.apiTokens.deleteEndedApiTokens(cutoff, limit),
      },
    ],
  };
}
