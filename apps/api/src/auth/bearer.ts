import { ACR_MFA, ROLE_SCOPES, type Role, type Scope } from '@spa-auth/contract';
import type { Request, RequestHandler } from 'express';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { AccessTokenClaims, AccessTokens } from './access-tokens.ts';
import type { Revocations } from './revocations.ts';

declare global {
  namespace Express {
    interface Locals {
      /** Set by requireAuth: the verified caller. */
      auth: Caller;
    }
  }
}

/** A person signed in through the browser: the access token's claims, and every scope of the role. */
export type SessionCaller = AccessTokenClaims & { via: 'session'; scopes: readonly Scope[] };

/**
 * A program holding an API token: its owner, the owner's role and address state as they are now,
 * and the token's scopes capped by that role.
 */
export type ApiTokenCaller = {
  via: 'api_token';
  sub: string;
  role: Role;
  email_verified: boolean;
  scopes: readonly Scope[];
  tokenId: string;
};

export type Caller = SessionCaller | ApiTokenCaller;

/**
 * The bearer check's port for API tokens, implemented by the api-tokens feature: a token with
 * `prefix` goes to `authenticate` instead of the JWT verifier. It answers synchronously when the
 * token is known, and throws (or rejects with) a 401 AppError for a token it refuses.
 */
export type ApiTokenAuthenticator = {
  prefix: string;
  authenticate(token: string, req: Request): ApiTokenCaller | Promise<ApiTokenCaller>;
};

const REALM = 'Bearer realm="spa-auth"';
// One space, then a JWS compact serialisation: three base64url parts. The signature may be empty
// (an unsecured JWT, RFC 7519 6.1) so that `alg: none` reaches the verifier and is refused there
// as an invalid token (401), not passed off as a malformed request (400).
const BEARER = /^Bearer (.*)$/is;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function challenge(error: string, description: string, extra = ''): string {
  return `${REALM}, error="${error}", error_description="${description}"${extra}`;
}

/**
 * Protected routes take the token from the Authorization header only (RFC 6750 2.1); never from
 * the query string or body, where it would end up in logs and histories. An access JWT proves a
 * browser session; a token starting with `apiTokens.prefix` is an API token.
 */
export function createRequireAuth(tokens: AccessTokens, revocations: Revocations, apiTokens?: ApiTokenAuthenticator): RequestHandler {
  const revoked = () =>
    new AppError(401, 'session_revoked', 'The session has ended', {
      headers: { 'WWW-Authenticate': challenge('invalid_token', 'The session has ended') },
    });
  return (req, res, next) => {
    const header = req.get('Authorization');
    const scheme = header?.split(' ', 1)[0] ?? '';
    if (header === undefined || scheme.toLowerCase() !== 'bearer') {
      throw new AppError(401, 'token_missing', 'An access token is required', { headers: { 'WWW-Authenticate': REALM } });
    }
    const token = BEARER.exec(header)?.[1] ?? '';
    if (apiTokens && token.startsWith(apiTokens.prefix)) {
      const caller = apiTokens.authenticate(token, req);
      if (!(caller instanceof Promise)) {
        res.locals.auth = caller;
        return next();
      }
      return caller.then((known) => {
        res.locals.auth = known;
        next();
      });
    }
    if (!JWT_SHAPE.test(token)) {
      throw new AppError(400, 'invalid_request', 'The Authorization header is malformed', {
        headers: { 'WWW-Authenticate': `${REALM}, error="invalid_request"` },
      });
    }
    const result = tokens.verifyAccessToken(token);
    if (!result.ok) {
      throw new AppError(401, result.code, result.description, {
        headers: { 'WWW-Authenticate': challenge('invalid_token', result.description) },
      });
    }
    const { claims } = result;
    const admit = (active: boolean) => {
      if (!active) throw revoked();
      res.locals.auth = { ...claims, via: 'session', scopes: ROLE_SCOPES[claims.role] };
      next();
    };
    // Synchronous when the session's liveness is already known, as it is for all but one request per
    // session every two seconds: no promise and no microtask on the hot path (protectedVsPublic
    // 0.82 -> 0.87 side by side, docs/performance.md). Express 5 forwards the other path's rejection.
    const known = revocations.knownActivity(claims.sid);
    if (known !== undefined) return admit(known);
    return revocations.isSessionActive(claims.sid).then(admit);
  };
}

export function requireRole(role: Role): RequestHandler {
  return (_req, res, next) => {
    if (role === 'admin' && res.locals.auth.role !== 'admin') {
      throw new AppError(403, 'insufficient_scope', 'This needs the admin role', {
        headers: { 'WWW-Authenticate': challenge('insufficient_scope', 'This needs the admin role', ', scope="admin"') },
      });
    }
    next();
  };
}

/**
 * For routes that need a proven address (the admin routes, and any a starter adds): 403
 * email_unverified until the access token says email_verified, which it does from the first
 * refresh after the user opened the verification link.
 */
export const requireVerifiedEmail: RequestHandler = (_req, res, next) => {
  if (!res.locals.auth.email_verified) {
    throw new AppError(403, 'email_unverified', 'Confirm your email address first: open the link we sent you');
  }
  next();
};

/**
 * For sensitive actions (ending the other sessions, deleting the account, admin changes): the
 * access token's auth_time must be within `maxAgeMs`, or 401 with RFC 9470's challenge, which a
 * client answers by asking for the password (POST /auth/reauthenticate), not by refreshing: a
 * refresh proves the cookie, not the person.
 *
 * An API token passes: there is no person to ask, and the token itself was made with a recent
 * sign-in and holds the scope the route declares. What only a person may do is refused to tokens
 * by `personOnly` (auth/scopes.ts), not here.
 */
export function createRequireRecentAuth(clock: Clock, maxAgeMs: number): RequestHandler {
  const maxAge = Math.round(maxAgeMs / 1000);
  return (_req, res, next) => {
    const caller = res.locals.auth;
    if (caller.via === 'session' && clock.now() / 1000 - caller.auth_time > maxAge) {
      const description = `This needs a sign-in within the last ${maxAge} seconds`;
      throw new AppError(401, 'insufficient_user_authentication', description, {
        headers: { 'WWW-Authenticate': `${challenge('insufficient_user_authentication', description)}, max_age=${maxAge}` },
      });
    }
    next();
  };
}

/**
 * Whether the caller signed in with the second factor, as RFC 9470 asks it: `acr` is
 * `urn:spa-auth:acr:mfa`, and with `maxAgeMs` (REAUTH_MAX_AGE) `auth_time` is that recent too.
 * Resolves when it holds; otherwise rejects with 401 insufficient_user_authentication and the
 * challenge `acr_values="urn:spa-auth:acr:mfa"` (and `max_age`), which a client answers by asking
 * for the password and a code (POST /auth/reauthenticate); or, for a person with no second factor
 * to give, 403 second_factor_not_enrolled, which no re-authentication can fix: enrol one first.
 *
 * An API token passes, as it passes the recent sign-in (requirement 14.9): there is no person to
 * ask. Where an API token could reach what this guards, its making is guarded instead (requirement 17.17).
 */
export type SecondFactorCheck = (caller: Caller) => Promise<void>;

export function createSecondFactorCheck(options: {
  clock: Clock;
  maxAgeMs?: number;
  /** The second factors the user has (the second-factor feature's gate; none without it). */
  factorsOf: (userId: string) => Promise<readonly string[]>;
}): SecondFactorCheck {
  const maxAge = options.maxAgeMs === undefined ? undefined : Math.round(options.maxAgeMs / 1000);
  return async (caller) => {
    if (caller.via !== 'session') return;
    const recent = maxAge === undefined || options.clock.now() / 1000 - caller.auth_time <= maxAge;
    if (caller.acr === ACR_MFA && recent) return;
    if ((await options.factorsOf(caller.sub)).length === 0) {
      throw new AppError(403, 'second_factor_not_enrolled', 'This needs a second factor: set up an authenticator app or a passkey first');
    }
    const description =
      maxAge === undefined
        ? 'This needs a sign-in with a second factor'
        : `This needs a sign-in with a second factor within the last ${maxAge} seconds`;
    const extra = `, acr_values="${ACR_MFA}"${maxAge === undefined ? '' : `, max_age=${maxAge}`}`;
    throw new AppError(401, 'insufficient_user_authentication', description, {
      headers: { 'WWW-Authenticate': challenge('insufficient_user_authentication', description, extra) },
    });
  };
}

/** The check of createSecondFactorCheck as a route's middleware. */
export function requireSecondFactor(check: SecondFactorCheck): RequestHandler {
  return async (_req, res, next) => {
    await check(res.locals.auth);
    next();
  };
}

/**
 * REQUIRE_MFA_FOR_ADMIN: every route under /api/admin asks an admin's browser sign-in for the
 * second factor. It runs in front of the routes, so it acts only on a caller the admin routes would
 * let through (role admin, verified address): anyone else gets their own refusal first, as before.
 */
export function createAdminSecondFactorGuard(check: SecondFactorCheck): RequestHandler {
  return async (req, res, next) => {
    const caller = res.locals.auth;
    // Express routes /api/Admin/ and /api/admin the same way, so match as it does.
    if (/^\/admin(\/|$)/i.test(req.path) && caller.via === 'session' && caller.role === 'admin' && caller.email_verified) {
      await check(caller);
    }
    next();
  };
}
