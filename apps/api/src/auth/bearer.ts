import type { Role } from '@spa-auth/contract';
import type { RequestHandler } from 'express';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { AccessTokenClaims, AccessTokens } from './access-tokens.ts';
import type { Revocations } from './revocations.ts';

declare global {
  namespace Express {
    interface Locals {
      /** Set by requireAuth: the verified caller. */
      auth: AccessTokenClaims;
    }
  }
}

const REALM = 'Bearer realm="spa-auth"';
// One space, then a JWS compact serialisation: three base64url parts. The signature may be empty
// (an unsecured JWT, RFC 7519 6.1) so that `alg: none` reaches the verifier and is refused there
// as an invalid token (401), not passed off as a malformed request (400).
const BEARER = /^Bearer (.*)$/is;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function challenge(error: string, description: string, extra = ''): string {
  return `${REALM}, error="${error}", error_description="${description}"${extra}`;
}

/**
 * Protected routes take the token from the Authorization header only (RFC 6750 2.1); never from
 * the query string or body, where it would end up in logs and histories.
 */
export function createRequireAuth(tokens: AccessTokens, revocations: Revocations): RequestHandler {
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
      res.locals.auth = claims;
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
 */
export function createRequireRecentAuth(clock: Clock, maxAgeMs: number): RequestHandler {
  const maxAge = Math.round(maxAgeMs / 1000);
  return (_req, res, next) => {
    if (clock.now() / 1000 - res.locals.auth.auth_time > maxAge) {
      const description = `This needs a sign-in within the last ${maxAge} seconds`;
      throw new AppError(401, 'insufficient_user_authentication', description, {
        headers: { 'WWW-Authenticate': `${challenge('insufficient_user_authentication', description)}, max_age=${maxAge}` },
      });
    }
    next();
  };
}
