import { randomBytes } from 'node:crypto';
import { createRequestLog } from '@spa-auth/server-support';
import cors from 'cors';
import express, { type Express, type Request, type RequestHandler, type Router } from 'express';
import type { Store as RateLimitStore } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { createAccountFeature } from './account/routes.ts';
import type { ActivityStore } from './activity/activity.ts';
import { createActivityFeature } from './activity/routes.ts';
import { createAdminFeature } from './admin/routes.ts';
import type { ApiTokenStore } from './api-tokens/api-tokens.ts';
import { createApiTokensFeature } from './api-tokens/routes.ts';
import { type AccessTokens, createAccessTokens } from './auth/access-tokens.ts';
import { createAdminSecondFactorGuard, createRequireAuth, createRequireRecentAuth, createSecondFactorCheck } from './auth/bearer.ts';
import type { KeySet } from './auth/keys.ts';
import { createPasswords, type Passwords } from './auth/passwords.ts';
import { createRevocations, type RevocationBus } from './auth/revocations.ts';
import { addAuthRoutes } from './auth/routes.ts';
import { assertRouteAccessDeclared } from './auth/scopes.ts';
import { combineSecondFactors, type SecondFactorGate } from './auth/second-factor.ts';
import { createAuthService } from './auth/service.ts';
import type { SessionStore } from './auth/session-store.ts';
import { createVerifiedTokenCache } from './auth/token-cache.ts';
import { type BackgroundWork, createBackgroundWork } from './background.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import { createEmailChangeFeature } from './email-change/routes.ts';
import type { EmailLinkStore } from './email-links/email-links.ts';
import { createEmailVerificationFeature } from './email-verification/routes.ts';
import { AppError } from './errors.ts';
import { createAccountEvents } from './events.ts';
import type { Feature } from './feature.ts';
import { createOriginCheck } from './http/csrf.ts';
import { createErrorHandler, createNotFound } from './http/errors.ts';
import { addOpenApiRoutes } from './http/openapi.ts';
import {
  createApiTokenLimit,
  createAuthRateLimit,
  createClientAuthFailureLimit,
  createMailLimit,
  createMemoryRateLimitStore,
  createPasskeyFailureLimit,
  createPasswordCheckLimit,
  createSecondFactorFailureLimit,
  createServiceClientLimit,
  withLocalFallback,
} from './http/rate-limit.ts';
import { createRequestContext } from './http/request-context.ts';
import { createOutbox, type Outbox } from './mail/outbox.ts';
import { subscribeNotifications } from './notifications/notifications.ts';
import type { PasskeyStore } from './passkeys/passkey-store.ts';
import { createPasskeysFeature } from './passkeys/routes.ts';
import { createPasswordResetFeature } from './password-reset/routes.ts';
import type { RetentionTask } from './retention.ts';
import { createSecondFactorFeature } from './second-factor/routes.ts';
// The port's own module, which imports nothing: the type declarations of Storage stay free of the feature's.
import type { SecondFactorStore } from './second-factor/second-factor-store.ts';
import { createServiceClientsFeature } from './service-clients/routes.ts';
import type { ServiceClientStore } from './service-clients/service-clients.ts';
import { createSessionsFeature } from './sessions/routes.ts';
import type { UserStore } from './users/users.ts';

/** What the app needs of its database: the ports, and what readiness and errors need. */
export type Storage = {
  users: UserStore;
  sessions: SessionStore;
  emailLinks: EmailLinkStore;
  activity: ActivityStore;
  apiTokens: ApiTokenStore;
  serviceClients: ServiceClientStore;
  secondFactors: SecondFactorStore;
  passkeys: PasskeyStore;
  /** Resolves when the database answers (GET /readyz). */
  ping(): Promise<void>;
  /** True for an error that means the database cannot be reached: answered 503, not 500. */
  isUnavailable(error: unknown): boolean;
};

export type AppDeps = {
  config: Config;
  storage: Storage;
  clock: Clock;
  logger: Logger;
  keys: KeySet;
  /**
   * MFA_ENCRYPTION_KEY (32 bytes), which seals second-factor secrets; bootstrap gives the config's or
   * the development one. Otherwise a key of this app alone: what it seals no other instance can open.
   */
  mfaEncryptionKey?: Buffer;
  passwords?: Passwords;
  /** Shared rate-limit counters (Redis); in-process counters on the injected clock otherwise. */
  createRateLimitStore?: (prefix: string) => RateLimitStore;
  revocationBus?: RevocationBus;
  /** More channels like the revocation bus, for the features' own revocations (API tokens). */
  createBus?: (topic: string) => RevocationBus;
  /** Where the features' periodic clean-up goes (bootstrap hands it to the retention job). */
  addRetentionTask?: (task: RetentionTask) => void;
  /** Queued mail (SMTP_URL); without it the app sends none, and the email flows say so. */
  outbox?: Outbox;
  /** Work the requests start and do not wait for; bootstrap shares it so shutdown can wait for it. */
  background?: BackgroundWork;
  /**
   * More routes behind the same middleware as the app's own (logging, helmet, CORS) and in front of
   * its 404: how a starter adds its routes, and how the benchmark adds its probes. A route under
   * `/api` is behind the bearer check already and must declare what it needs (`requireScope` or
   * `personOnly`, auth/scopes.ts), or the app is not built; `publicApi` takes `/api` routes that
   * must not be checked (mounted at `/api`, in front of the check); elsewhere, `requireAuth`
   * protects a route.
   */
  extend?: (app: Express, auth: { requireAuth: RequestHandler; tokens: AccessTokens; publicApi: Router }) => void;
};

/** Builds the whole API from its dependencies. No environment, no I/O, no listening: main.ts does that. */
export function createApp(deps: AppDeps): Express {
  const { config, storage, clock, logger, keys } = deps;
  const { users, sessions, emailLinks, activity, apiTokens, serviceClients, secondFactors, passkeys } = storage;
  const passwords = deps.passwords ?? createPasswords();
  const outbox = deps.outbox ?? createOutbox({ transport: undefined, logger });
  const background = deps.background ?? createBackgroundWork(logger);
  const requestContext = createRequestContext();
  const events = createAccountEvents({ background, clock, currentContext: requestContext.current });
  const tokens = createVerifiedTokenCache(
    createAccessTokens({
      keys,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      extraAudiences: config.jwtExtraAudiences,
      ttlMs: config.accessTokenTtlMs,
      clockToleranceMs: config.clockToleranceMs,
      clock,
    }),
    // 10,000 live tokens (claims plus the token string, about 1 kB each) cost about 10 MB at most.
    { clock, max: 10_000 },
  );
  const revocations = createRevocations({ sessions, clock, ...(deps.revocationBus ? { bus: deps.revocationBus } : {}) });
  // The second factor the features provide (below), combined; sign-ins read it when they need it.
  let secondFactorGate: SecondFactorGate | undefined;
  const secondFactor = () => secondFactorGate;
  const factorsOf = async (userId: string) => (await secondFactorGate?.factorsOf(userId)) ?? [];
  const auth = createAuthService({
    users,
    sessions,
    clock,
    tokens,
    passwords,
    revocations,
    policy: config,
    events,
    verifiesEmail: outbox.isEnabled,
    secondFactor,
  });
  const rateLimits = {
    clock,
    logger,
    windowMs: config.rateLimitWindowMs,
    authLimit: config.authRateLimit,
    loginMaxFailures: config.loginMaxFailures,
    createStore: (prefix: string) => {
      const local = createMemoryRateLimitStore(clock);
      return deps.createRateLimitStore ? withLocalFallback(deps.createRateLimitStore(prefix), local) : local;
    },
  };
  const cookies = { secure: config.cookieSecure, sameSite: config.cookieSameSite };

  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  app.use(createRequestLog(logger, { ignore: (req) => req.url === '/healthz' }));
  app.use(helmet());
  app.use(
    cors({
      // Exact matches only; an unlisted origin never gets Access-Control-Allow-Origin.
      origin: config.corsOrigins,
      credentials: true,
      methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Requested-With'],
      exposedHeaders: ['Retry-After', 'RateLimit', 'RateLimit-Policy', 'WWW-Authenticate'],
      maxAge: 600,
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    await storage.ping().catch((cause: unknown) => {
      throw new AppError(503, 'service_unavailable', 'The database is not reachable', { cause });
    });
    res.json({ status: 'ready' });
  });
  app.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(keys.jwks);
  });
  // The OpenAPI document, generated from the contract; its reference page in development only.
  addOpenApiRoutes(app, { referencePage: config.nodeEnv === 'development' });

  // Every route that checks a signed-in user's password shares these counters (per user and IP).
  const passwordCheckLimit = createPasswordCheckLimit(rateLimits, (req) => req.res?.locals.auth.sub ?? '');
  // A sign-in with the second factor, at any time of the session (admin routes with
  // REQUIRE_MFA_FOR_ADMIN) or within REAUTH_MAX_AGE (removing the factor).
  const secondFactorCheck = createSecondFactorCheck({ clock, factorsOf });
  const recentSecondFactorCheck = createSecondFactorCheck({ clock, factorsOf, maxAgeMs: config.reauthMaxAgeMs });

  // What the features share is built here; each feature is one folder and one line in the list
  // below. Deleting both removes the feature.
  const shared = {
    users,
    sessions,
    emailLinks,
    activity,
    apiTokens,
    serviceClients,
    secondFactors,
    passkeys,
    clock,
    keys,
    mfaEncryptionKey: deps.mfaEncryptionKey ?? randomBytes(32),
    tokens,
    jwtIssuer: config.jwtIssuer,
    serviceTokenTtlMs: config.serviceTokenTtlMs,
    clockToleranceMs: config.clockToleranceMs,
    passwords,
    revocations,
    auth,
    cookies,
    events,
    outbox,
    background,
    appUrl: config.appUrl,
    passwordCheckLimit,
    createBus: deps.createBus,
    requireRecentAuth: createRequireRecentAuth(clock, config.reauthMaxAgeMs),
    recentSecondFactorCheck,
    /** REQUIRE_MFA_FOR_ADMIN: an API token with an admin scope is made only with the second factor. */
    adminScopesNeedSecondFactor: config.requireMfaForAdmin ? secondFactorCheck : undefined,
    secondFactorFailureLimit: (userOf: (req: Request) => string | null) => createSecondFactorFailureLimit(rateLimits, userOf),
    secondFactor,
    webauthn: config.webauthn,
    passkeyFailureLimit: createPasskeyFailureLimit(rateLimits),
    mailLimit: (kind: string, recipientOf: (req: Request) => string) =>
      createMailLimit({ ...rateLimits, mailLimit: config.mailRateLimit }, kind, recipientOf),
    limitPerToken: (tokenOf: (req: Request) => string | undefined) =>
      createApiTokenLimit({ ...rateLimits, apiTokenLimit: config.apiTokenRateLimit }, tokenOf),
    clientAuthFailureLimit: createClientAuthFailureLimit(rateLimits),
    limitPerServiceClient: (clientOf: (req: Request) => string | undefined) =>
      createServiceClientLimit({ ...rateLimits, apiTokenLimit: config.apiTokenRateLimit }, clientOf),
  };
  const features: Feature[] = [
    createAccountFeature(shared),
    createSessionsFeature(shared),
    createAdminFeature(shared),
    createEmailVerificationFeature(shared),
    createPasswordResetFeature(shared),
    createEmailChangeFeature(shared),
    createActivityFeature(shared),
    createApiTokensFeature(shared),
    createServiceClientsFeature(shared),
    createSecondFactorFeature(shared),
    createPasskeysFeature(shared),
  ];
  secondFactorGate = combineSecondFactors(features.flatMap((feature) => (feature.secondFactor ? [feature.secondFactor] : [])));
  subscribeNotifications(shared);

  const bearer = features.find((feature) => feature.bearer)?.bearer;
  const requireAuth = createRequireAuth(tokens, revocations, bearer);
  const guards = features.flatMap((feature) => (feature.guard ? [feature.guard] : []));
  // REQUIRE_MFA_FOR_ADMIN: every admin route asks an admin's browser sign-in for the second factor.
  if (config.requireMfaForAdmin) guards.push(createAdminSecondFactorGuard(secondFactorCheck));

  // /auth: public, cookie-carrying routes, behind the origin check and the per-IP budget.
  const authRoutes = express.Router();
  app.use('/auth', createOriginCheck(config.corsOrigins), createAuthRateLimit(rateLimits), requestContext.middleware, authRoutes);
  addAuthRoutes(authRoutes, {
    auth,
    cookies,
    rateLimits: { ...rateLimits, refreshLimit: config.refreshRateLimit },
    requireAuth,
    passwordCheckLimit,
    secondFactor,
  });

  // Every /api route is behind the bearer check, whoever mounts it: a route that must be public says
  // so by going on `publicApi`, which is mounted in front of the check.
  const publicApi = express.Router();
  app.use('/api', publicApi);
  const protectedApi = express.Router();
  app.use(
    '/api',
    requireAuth,
    ...guards,
    (_req, res, next) => {
      // Per-user answers: no shared cache may keep them.
      res.set('Cache-Control', 'no-store');
      next();
    },
    requestContext.middleware,
    protectedApi,
  );
  // Machine endpoints: OAuth client authentication, no cookie, so neither CSRF nor origin checks.
  const oauthRoutes = express.Router();
  app.use('/oauth', oauthRoutes);
  // Every feature's routes on the one router of their prefix, in the features' order (feature.ts).
  for (const feature of features) {
    feature.auth?.(authRoutes);
    feature.api?.(protectedApi);
    feature.oauth?.(oauthRoutes);
    for (const task of feature.tasks ?? []) deps.addRetentionTask?.(task);
  }
  deps.extend?.(app, { requireAuth, tokens, publicApi });
  // What an API token may call is declared by every /api route; a route that declares nothing is a
  // mistake found here, at start-up, rather than a hole found later.
  assertRouteAccessDeclared(app, { under: '/api', skip: [publicApi] });

  app.use(createNotFound(app));
  app.use(createErrorHandler(logger, storage.isUnavailable));
  return app;
}
