import { CreateServiceClientRequest, type OAuthError, SERVICE_CLIENT_SECRET_PREFIX } from '@spa-auth/contract';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { AccessTokens } from '../auth/access-tokens.ts';
import { challenge, requireRole, requireVerifiedEmail } from '../auth/bearer.ts';
import type { KeySet } from '../auth/keys.ts';
import type { RevocationBus, Revocations } from '../auth/revocations.ts';
import { personOnly, requireScope, sessionCaller } from '../auth/scopes.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { AddRoutes, Feature } from '../feature.ts';
import { jsonBody, parseBody, requireJson } from '../http/body.ts';
import { createServiceClientService, SERVICE_TOKEN_SCOPE } from './service.ts';
import type { ServiceClientRecord, ServiceClientStore } from './service-clients.ts';

const FORM = 'application/x-www-form-urlencoded';
/** Longer than any access token this API signs; anything longer is not one of ours. */
const MAX_INTROSPECTED_LENGTH = 4096;
const formBody = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });

/** RFC 6749 5.2: the OAuth endpoints' error body, which OAuth client libraries read. */
function oauthError(res: Response, status: 400 | 401, error: OAuthError['error'], description: string): void {
  if (error === 'invalid_client') res.set('WWW-Authenticate', 'Basic realm="spa-auth", charset="UTF-8"');
  res.status(status).json({ error, error_description: description } satisfies OAuthError);
}

// Tokens and introspections describe one moment: no cache may keep them (RFC 6749 5.1).
const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

type BasicCredentials = { id: string; secret: string } | 'missing' | 'malformed';

/** RFC 6749 2.3.1: `Basic base64(urlencode(id) ":" urlencode(secret))`. */
function basicCredentials(header: string | undefined): BasicCredentials {
  if (header === undefined) return 'missing';
  const [scheme = '', value = '', ...rest] = header.trim().split(/ +/);
  if (scheme.toLowerCase() !== 'basic') return 'missing';
  if (rest.length > 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return 'malformed';
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    const formDecode = (part: string) => decodeURIComponent(part.replaceAll('+', ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

/** One form parameter given once, or undefined (absent, or given more than once). */
const single = (body: unknown, name: string): string | undefined => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Service clients: machine clients an admin makes (GET, POST /api/admin/service-clients, DELETE
 * /api/admin/service-clients/:id) that get a short-lived token with the client credentials grant
 * (POST /oauth/token) and introspect this API's access tokens with it (POST /oauth/introspect,
 * RFC 7662), so that another service learns of a revoked session before the token expires.
 */
export function createServiceClientsFeature(deps: {
  serviceClients: ServiceClientStore;
  clock: Clock;
  keys: KeySet;
  jwtIssuer: string;
  serviceTokenTtlMs: number;
  clockToleranceMs: number;
  tokens: Pick<AccessTokens, 'verifyAccessToken'>;
  revocations: Pick<Revocations, 'isSessionActive'>;
  /** Tells the other instances which clients to re-read (Redis); without it they re-read within 2 s. */
  createBus?: ((topic: string) => RevocationBus) | undefined;
  requireRecentAuth: RequestHandler;
  /** Failed client authentications per IP (http/rate-limit.ts). */
  clientAuthFailureLimit: RequestHandler;
  /** Introspections per service client per window (http/rate-limit.ts). */
  limitPerServiceClient: (clientOf: (req: Request) => string | undefined) => RequestHandler;
}): Feature {
  const service = createServiceClientService({
    store: deps.serviceClients,
    clock: deps.clock,
    keys: deps.keys,
    issuer: deps.jwtIssuer,
    serviceTokenTtlMs: deps.serviceTokenTtlMs,
    clockToleranceMs: deps.clockToleranceMs,
    tokens: deps.tokens,
    revocations: deps.revocations,
    bus: deps.createBus?.('revoked-service-clients'),
  });

  const api: AddRoutes = (router) => {
    router.use('/admin/service-clients', requireRole('admin'), requireVerifiedEmail);
    router.get('/admin/service-clients', requireScope('admin:read'), async (_req, res) => {
      res.json({ clients: await service.list() });
    });
    // Person only: the answer shows a secret, which no API token may obtain.
    router.post('/admin/service-clients', personOnly, deps.requireRecentAuth, requireJson, jsonBody, async (req, res) => {
      const { name } = parseBody(CreateServiceClientRequest, req.body);
      res.status(201).json(await service.create(name, sessionCaller(res.locals.auth).sub));
    });
    router.delete('/admin/service-clients/:id', requireScope('admin:write'), deps.requireRecentAuth, async (req, res) => {
      if (!(await service.revoke(req.params.id as string))) throw new AppError(404, 'not_found', 'No such service client');
      res.status(204).end();
    });
  };

  const oauth: AddRoutes = (router) => {
    router.post('/token', noStore, deps.clientAuthFailureLimit, formBody, async (req, res) => {
      if (!req.is(FORM)) return oauthError(res, 400, 'invalid_request', `The body must be ${FORM}`);
      if (single(req.body, 'client_secret') !== undefined || single(req.body, 'client_id') !== undefined) {
        return oauthError(res, 401, 'invalid_client', 'Send the client credentials with HTTP Basic authentication, not in the body');
      }
      const credentials = basicCredentials(req.get('Authorization'));
      if (credentials === 'missing') return oauthError(res, 401, 'invalid_client', 'HTTP Basic client authentication is required');
      if (credentials === 'malformed') return oauthError(res, 401, 'invalid_client', 'The Basic credentials are malformed');
      const client = credentials.secret.startsWith(SERVICE_CLIENT_SECRET_PREFIX)
        ? await service.authenticate(credentials.id, credentials.secret)
        : null;
      if (!client) return oauthError(res, 401, 'invalid_client', 'Unknown client, wrong secret, or a revoked client');
      const grantType = single(req.body, 'grant_type');
      if (grantType === undefined) return oauthError(res, 400, 'invalid_request', 'grant_type is required, once');
      if (grantType !== 'client_credentials') {
        return oauthError(res, 400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported');
      }
      const scope = (req.body as Record<string, unknown>).scope;
      if (scope !== undefined && scope !== SERVICE_TOKEN_SCOPE) {
        return oauthError(res, 400, 'invalid_scope', `The only scope a service client may have is ${SERVICE_TOKEN_SCOPE}`);
      }
      const { token, expiresIn } = service.issueToken(client);
      res.json({ access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: SERVICE_TOKEN_SCOPE });
    });

    const callers = new WeakMap<Request, ServiceClientRecord>();
    const requireServiceToken: RequestHandler = async (req, _res, next) => {
      const header = req.get('Authorization');
      const [scheme = '', token = ''] = header?.split(' ') ?? [];
      if (header === undefined || scheme.toLowerCase() !== 'bearer') {
        throw new AppError(401, 'token_missing', 'A service token is required (POST /oauth/token)', {
          headers: { 'WWW-Authenticate': 'Bearer realm="spa-auth"' },
        });
      }
      const client = await service.verifyServiceToken(token);
      if (!client) {
        const description = 'The token is not a live service token';
        throw new AppError(401, 'token_invalid', description, { headers: { 'WWW-Authenticate': challenge('invalid_token', description) } });
      }
      callers.set(req, client);
      next();
    };
    router.post(
      '/introspect',
      noStore,
      requireServiceToken,
      deps.limitPerServiceClient((req) => callers.get(req)?.id),
      formBody,
      async (req, res) => {
        if (!req.is(FORM)) return oauthError(res, 400, 'invalid_request', `The body must be ${FORM}`);
        const token = single(req.body, 'token');
        if (!token) return oauthError(res, 400, 'invalid_request', 'token is required, once');
        // Only access tokens are introspected; anything else (an API token included) is not active.
        res.json(token.length > MAX_INTROSPECTED_LENGTH ? { active: false } : await service.introspect(token));
      },
    );
  };

  return { api, oauth };
}
