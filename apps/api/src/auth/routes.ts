import { LoginRequest, ReauthenticateRequest, RegisterRequest } from '@spa-auth/contract';
import type { Request, RequestHandler, Response, Router } from 'express';
import { AppError } from '../errors.ts';
import { jsonBody, parseBody, requireJson, validatedBody } from '../http/body.ts';
import { createLoginFailureLimit, createRefreshLimit, type PasswordCheckLimit, type RateLimitOptions } from '../http/rate-limit.ts';
import { type CookiePolicy, clearRefreshCookie, readRefreshCookies, setRefreshCookie } from './cookies.ts';
import { personOnly, sessionCaller } from './scopes.ts';
import { proofIn, proofRefused, type SecondFactorGate, type SecondStepRequired } from './second-factor.ts';
import type { AuthService, IssuedSession, RefreshFailure, RefreshLookup } from './service.ts';

const REFRESH_DETAILS: Record<RefreshFailure, string> = {
  refresh_missing: 'There is no session; sign in',
  refresh_invalid: 'The session is not valid; sign in again',
  refresh_expired: 'The session has expired; sign in again',
  session_revoked: 'The session was ended; sign in again',
  refresh_reused: 'The session was ended because an old refresh token was used again; sign in again',
  refresh_conflict: 'The request carries refresh cookies of more than one session; sign in again',
};

export function sendSession(res: Response, cookies: CookiePolicy, status: number, session: IssuedSession): void {
  setRefreshCookie(res, cookies, session.refreshToken, session.refreshTtlMs);
  // RFC 6749 5.1: responses that carry tokens must not be cached.
  res.status(status).set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(session.body);
}

export const userAgentOf = (ua: string | undefined) => (ua ? ua.slice(0, 512) : null);

/**
 * The first step of a sign-in for an account with a second factor: 401 second_factor_required with
 * the challenge the second step (POST /auth/login/second-factor) sends back, and the proofs the
 * account can give. No session, no cookie.
 */
export function secondStepRequired(step: SecondStepRequired): AppError {
  return new AppError(401, 'second_factor_required', 'The password is right; now give a code of your second factor', {
    extensions: step.secondFactor,
  });
}

/** 400, not 401, at re-authentication: the token is fine, the body lacks the second factor. */
const secondFactorMissing = (factors: SecondStepRequired['secondFactor']['factors']) =>
  new AppError(
    400,
    'second_factor_required',
    'This account has a second factor: send a code of it or a recovery code with the password, or a passkey alone',
    {
      ...(factors.length > 0 ? { extensions: { factors } } : {}),
    },
  );

/**
 * The core /auth/* routes, HTTP only, added to the /auth router app.ts gives them, in front of the
 * features' /auth routes. The per-IP budget and the origin check are mounted in front of that router;
 * the limits that need what a route reads (the email of a login, the session of a refresh) are
 * built here, next to that route.
 */
export function addAuthRoutes(
  router: Router,
  deps: {
    auth: AuthService;
    cookies: CookiePolicy;
    rateLimits: RateLimitOptions & { refreshLimit: number };
    /** The bearer check, for the one /auth route that needs a signed-in caller (re-authentication). */
    requireAuth: RequestHandler;
    passwordCheckLimit: PasswordCheckLimit;
    /** The second factor's gate, when a feature provides one (read per request). */
    secondFactor?: () => SecondFactorGate | undefined;
  },
): void {
  const { auth, cookies, rateLimits } = deps;
  const loginLimit = createLoginFailureLimit(rateLimits, (req) => String(req.body?.email ?? ''));
  // What POST /auth/refresh found for its cookie, for its own limiter and handler; gone with the request.
  const lookups = new WeakMap<Request, RefreshLookup>();
  const lookupOf = (req: Request): RefreshLookup => lookups.get(req) ?? { failure: 'refresh_missing' };
  const refreshLimit = createRefreshLimit(rateLimits, (req) => {
    const lookup = lookupOf(req);
    return 'state' in lookup ? lookup.state.session.id : null;
  });

  router.post('/register', requireJson, jsonBody, async (req, res) => {
    const result = await auth.register(parseBody(RegisterRequest, req.body), userAgentOf(req.get('User-Agent')));
    if ('failure' in result) throw new AppError(409, 'email_taken', 'An account with this email already exists');
    sendSession(res, cookies, 201, result);
  });

  router.post(
    '/login',
    // Validated before counting, so the failure limiter is keyed by a normalised email.
    ...validatedBody(LoginRequest),
    loginLimit,
    async (req, res) => {
      const result = await auth.login(req.body, userAgentOf(req.get('User-Agent')));
      if ('secondFactor' in result) throw secondStepRequired(result);
      if ('failure' in result && result.failure === 'account_disabled') {
        throw new AppError(403, 'account_disabled', 'This account is disabled; ask an administrator');
      }
      if ('failure' in result) throw new AppError(401, 'invalid_credentials', 'The email or password is wrong');
      sendSession(res, cookies, 200, result);
    },
  );

  router.post(
    '/refresh',
    // The cookie is read once, in front of the per-session limit: the limiter counts against the
    // session found here, and the rotation starts from the same read.
    async (req, _res, next) => {
      lookups.set(req, await auth.findRefresh(readRefreshCookies(req)));
      next();
    },
    refreshLimit,
    async (req, res) => {
      const result = await auth.refresh(lookupOf(req), userAgentOf(req.get('User-Agent')));
      if ('failure' in result) {
        // A conflict clears nothing: the cookie this server can clear (its own Path and host) is
        // likely the user's, and the planted one's Domain and Path are unknown here.
        if (result.failure !== 'refresh_conflict') clearRefreshCookie(res, cookies);
        res.set('Cache-Control', 'no-store');
        throw new AppError(401, result.failure, REFRESH_DETAILS[result.failure]);
      }
      sendSession(res, cookies, 200, result);
    },
  );

  // Step-up (RFC 9470): the signed-in caller proves the password again. Limited like every route
  // that checks a signed-in user's password; a wrong one is 400, as on PUT /api/me/password, so a
  // client never takes it for an expired token.
  router.post(
    '/reauthenticate',
    deps.requireAuth,
    personOnly,
    deps.passwordCheckLimit.oneAtATime,
    ...validatedBody(ReauthenticateRequest),
    // An account with a second factor that sent none is told so before any hashing: no password is
    // checked, and nothing counts as a wrong one.
    async (req, res, next) => {
      const gate = deps.secondFactor?.();
      const factors = gate && !proofIn(req.body) ? await gate.secondStepFactorsOf(res.locals.auth.sub) : [];
      if (factors.length > 0) throw secondFactorMissing(factors);
      next();
    },
    ...deps.passwordCheckLimit.failures,
    async (req, res) => {
      const { password } = req.body;
      const result = await auth.reauthenticate(res.locals.auth.sub, sessionCaller(res.locals.auth).sid, password, proofIn(req.body));
      if ('failure' in result) {
        if (result.failure === 'second_factor_required') throw secondFactorMissing([]);
        if (result.failure === 'invalid_credentials') throw new AppError(400, 'invalid_credentials', 'The password is wrong');
        throw proofRefused(400, result.failure);
      }
      res.status(200).set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(result);
    },
  );

  router.post('/logout', async (req, res) => {
    await auth.logout(readRefreshCookies(req));
    clearRefreshCookie(res, cookies);
    res.status(204).end();
  });
}
