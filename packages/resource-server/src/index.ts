/**
 * Accept spa-auth access tokens in another service: the API's own verifier, the API's public keys
 * from its JWK Set, and (with a service client) revocation through the API's token introspection.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createResourceServer } from '@spa-auth/resource-server';
 *
 * const tokens = createResourceServer({
 *   apiUrl: 'http://localhost:3000',
 *   issuer: 'spa-auth',
 *   audience: 'notes',
 *   introspection: { clientId: process.env.SERVICE_CLIENT_ID ?? '', clientSecret: process.env.SERVICE_CLIENT_SECRET ?? '' },
 * });
 * const app = express();
 * app.get('/notes', tokens.requireAuth, (_req, res) => {
 *   res.json({ owner: res.locals.auth.sub });
 * });
 * ```
 */

import type { KeyObject } from 'node:crypto';
import { problemType } from '@spa-auth/contract/wire';
import type { RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { type Clock, createIntrospection, IntrospectionUnavailableError } from './introspection.ts';
import { createRemoteKeys } from './remote-keys.ts';
import {
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  type AccessTokenResult,
  describeFailure,
  readPinnedHeader,
  verifyAccessToken,
} from './verify.ts';

export type { Clock } from './introspection.ts';
export type { AccessTokenClaims, Role } from './verify.ts';

declare global {
  namespace Express {
    interface Locals {
      /** Set by requireAuth: the verified access token's claims. */
      auth: AccessTokenClaims;
    }
  }
}

export type ResourceServerOptions = {
  /** The spa-auth API's base URL as this service reaches it (its JWK Set and OAuth endpoints are beneath). */
  apiUrl: string | URL;
  /** The API's JWT_ISSUER: the `iss` every token must carry. */
  issuer: string;
  /** This service's audience: one of the API's JWT_EXTRA_AUDIENCES, so that tokens name this service. */
  audience: string;
  /**
   * The longest access-token lifetime honoured, in seconds: the API's ACCESS_TOKEN_TTL (default 300).
   * A token that lives longer was not minted by a sign-in of the API.
   */
  maxTokenLifetimeSeconds?: number;
  /** Clock skew allowed for `exp` and `iat`, in seconds: the API's CLOCK_TOLERANCE (default 5). */
  clockToleranceSeconds?: number;
  /** JWK Set caching (see RemoteKeysOptions): how long keys are trusted, how often an unknown kid may re-fetch. */
  keys?: { maxAgeMs?: number; cooldownMs?: number };
  /**
   * The service client that asks the API whether a token's session is still live. Without it
   * (`false`), a token is accepted until its `exp` even after its session was ended: at most one
   * access-token lifetime. Required unless turned off explicitly.
   */
  introspection: { clientId: string; clientSecret: string; cacheMs?: number } | false;
  /** How many verified tokens are remembered (about 1 kB each), so a token seen again skips ES256. Default 10,000. */
  verifiedTokenCacheSize?: number;
  clock?: Clock;
};

export type VerifyOutcome =
  | { ok: true; claims: AccessTokenClaims }
  | {
      ok: false;
      status: 401 | 503;
      code: 'token_expired' | 'token_invalid' | 'session_revoked' | 'service_unavailable';
      description: string;
    };

export type ResourceServer = {
  /**
   * Express middleware: the access token from `Authorization: Bearer` (never the query or body,
   * RFC 6750 2.1), verified, its session live. On success `res.locals.auth` holds the claims; on
   * failure an RFC 6750 challenge and an RFC 9457 problem with the API's codes, so the spa-auth
   * client refreshes and retries exactly as it does against the API.
   */
  requireAuth: RequestHandler;
  /** The same checks without Express. */
  verify(token: string): Promise<VerifyOutcome>;
  /** How many introspection requests were sent (0 without introspection). */
  readonly introspectionRequests: number;
  /** How many verified tokens are remembered now; never more than `verifiedTokenCacheSize`. */
  readonly verifiedTokens: number;
};

const REALM = 'Bearer realm="spa-auth"';
const BEARER = /^Bearer (.*)$/is;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const TITLES = {
  token_missing: 'Authentication required',
  invalid_request: 'Invalid request',
  token_expired: 'Token expired',
  token_invalid: 'Invalid token',
  session_revoked: 'Session revoked',
  service_unavailable: 'Service unavailable',
} as const;

function problem(res: Response, status: number, code: keyof typeof TITLES, detail: string, headers: Record<string, string>): void {
  res
    .status(status)
    .set({ ...headers, 'Cache-Control': 'no-store', 'Content-Type': 'application/problem+json' })
    .send(JSON.stringify({ type: problemType(code), title: TITLES[code], status, detail, code }));
}

export function createResourceServer(options: ResourceServerOptions): ResourceServer {
  // Ends with a slash, so that the API's paths resolve beneath it even when it has a path of its own.
  const given = new URL(options.apiUrl);
  const apiUrl = given.href.endsWith('/') ? given : new URL(`${given.href}/`);
  const { issuer, audience } = options;
  const clock = options.clock ?? Date;
  const maxLifetimeSeconds = options.maxTokenLifetimeSeconds ?? 300;
  const toleranceSeconds = options.clockToleranceSeconds ?? 5;
  if (options.introspection === undefined) {
    throw new Error('createResourceServer: pass introspection credentials, or introspection: false to accept tokens until exp');
  }
  const keys = createRemoteKeys({
    url: new URL('.well-known/jwks.json', apiUrl),
    ...options.keys,
  });
  const introspection = options.introspection ? createIntrospection({ apiUrl, ...options.introspection, clock }) : null;

  // Claims of tokens that passed the signature and claim checks, so that a token seen again costs a
  // map lookup instead of an ES256 verification (about 100 µs of CPU, most of a request's cost here).
  // Safe because the key is the exact token string (any altered byte misses), only successes are
  // stored, an entry is served only between its iat and exp (outside that window the verifier decides
  // again, tolerance included), and only while the JWK Set still holds the very key that verified it.
  // Revocation is not cached here: introspection's own cache decides that.
  const verified = new LRUCache<string, { claims: AccessTokenClaims; kid: string; key: KeyObject; validFrom: number; validUntil: number }>({
    max: options.verifiedTokenCacheSize ?? 10_000,
  });

  /** The claims of a token verified before, with no waiting, or undefined when it must be verified. */
  function knownClaims(token: string): AccessTokenClaims | undefined {
    const cached = verified.get(token);
    const now = clock.now();
    if (cached && now >= cached.validFrom && now < cached.validUntil && keys.isCurrent(cached.kid, cached.key)) return cached.claims;
    return undefined;
  }

  async function checkSignatureAndClaims(token: string): Promise<VerifyOutcome> {
    const known = knownClaims(token);
    if (known) return { ok: true, claims: known };
    const now = clock.now();
    const cached = verified.get(token);
    if (cached && now >= cached.validFrom && now < cached.validUntil) {
      const current = await keys.get(cached.kid);
      if (current.ok && current.key === cached.key) return { ok: true, claims: cached.claims };
    }
    if (cached) verified.delete(token);
    const header = readPinnedHeader(token, ACCESS_TOKEN_TYPE);
    if (!header.ok) return { ok: false, status: 401, ...describeFailure(header.failure) };
    const found = await keys.get(header.kid);
    if (!found.ok && found.failure === 'unavailable') {
      return { ok: false, status: 503, code: 'service_unavailable', description: 'The signing keys could not be fetched' };
    }
    const key = found.ok ? found.key : undefined;
    const result: AccessTokenResult = verifyAccessToken(token, {
      key: (kid) => (kid === header.kid ? key : undefined),
      issuer,
      audience,
      maxLifetimeSeconds,
      toleranceSeconds,
      nowSeconds: Math.floor(now / 1000),
    });
    if (!result.ok) return { ...result, status: 401 };
    const validFrom = result.claims.iat * 1000;
    const validUntil = result.claims.exp * 1000;
    if (key && now >= validFrom && now < validUntil) {
      // Frozen: one claims object is handed to every request that presents this token.
      verified.set(token, { claims: Object.freeze(result.claims), kid: header.kid, key, validFrom, validUntil });
    }
    return result;
  }

  async function verify(token: string): Promise<VerifyOutcome> {
    const result = await checkSignatureAndClaims(token);
    if (!result.ok) return result;
    if (!introspection) return result;
    try {
      if (!(await introspection.isActive(token, result.claims.sid))) {
        return { ok: false, status: 401, code: 'session_revoked', description: 'The session has ended' };
      }
    } catch (error) {
      if (!(error instanceof IntrospectionUnavailableError)) throw error;
      // Fail closed: without an answer, a revoked session cannot be told from a live one.
      return { ok: false, status: 503, code: 'service_unavailable', description: 'The session could not be checked' };
    }
    return result;
  }

  const requireAuth: RequestHandler = (req, res, next) => {
    const header = req.headers.authorization;
    // The hot path: a token verified before (so a well-formed JWT, sent as `Bearer <token>`) whose
    // session was found live within the cache time, as for all but one request per session every two
    // seconds: a lookup or two, no parsing and no promise. Anything else takes the full path below.
    if (header?.startsWith('Bearer ')) {
      const token = header.slice(7);
      const claims = knownClaims(token);
      if (claims && (!introspection || introspection.knownActive(token, claims.sid) === true)) {
        res.locals.auth = claims;
        return next();
      }
    }
    const scheme = header?.split(' ', 1)[0] ?? '';
    if (header === undefined || scheme.toLowerCase() !== 'bearer') {
      return problem(res, 401, 'token_missing', 'An access token is required', { 'WWW-Authenticate': REALM });
    }
    const token = BEARER.exec(header)?.[1] ?? '';
    if (!JWT_SHAPE.test(token)) {
      return problem(res, 400, 'invalid_request', 'The Authorization header is malformed', {
        'WWW-Authenticate': `${REALM}, error="invalid_request"`,
      });
    }
    // Express 5 forwards this promise's rejection to the error handler.
    return verify(token).then((outcome) => {
      if (outcome.ok) {
        res.locals.auth = outcome.claims;
        return next();
      }
      if (outcome.status === 503) return problem(res, 503, outcome.code, outcome.description, { 'Retry-After': '1' });
      problem(res, 401, outcome.code, outcome.description, {
        'WWW-Authenticate': `${REALM}, error="invalid_token", error_description="${outcome.description}"`,
      });
    });
  };

  return {
    requireAuth,
    verify,
    get introspectionRequests() {
      return introspection?.requests ?? 0;
    },
    get verifiedTokens() {
      return verified.size;
    },
  };
}
