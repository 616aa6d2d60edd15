import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type ClientRateLimitInfo, ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { problemCodeOf } from './errors.ts';

/**
 * express-rate-limit's own MemoryStore reads the wall clock; this one reads the injected clock, so
 * tests end a window by moving time. Fixed windows per key, expired keys swept on access.
 */
export function createMemoryRateLimitStore(clock: Clock): Store {
  let windowMs = 60_000;
  const hits = new Map<string, ClientRateLimitInfo & { resetTime: Date }>();
  const live = (key: string) => {
    const entry = hits.get(key);
    if (entry && entry.resetTime.getTime() <= clock.now()) {
      hits.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    localKeys: true,
    init(options) {
      windowMs = options.windowMs;
    },
    get: (key) => live(key),
    increment(key) {
      const entry = live(key) ?? { totalHits: 0, resetTime: new Date(clock.now() + windowMs) };
      entry.totalHits += 1;
      hits.set(key, entry);
      if (hits.size > 100_000) for (const k of hits.keys()) live(k);
      return { ...entry };
    },
    decrement(key) {
      const entry = live(key);
      if (entry) entry.totalHits = Math.max(0, entry.totalHits - 1);
    },
    resetKey(key) {
      hits.delete(key);
    },
  };
}

/**
 * The shared store while it answers, this instance's own counters while it does not: with Redis
 * down, limits are per instance rather than off, and shared again as soon as Redis answers.
 */
export function withLocalFallback(shared: Store, local: Store): Store {
  return {
    localKeys: false,
    ...(shared.prefix ? { prefix: shared.prefix } : {}),
    async init(options) {
      await local.init?.(options);
      await shared.init?.(options);
    },
    async increment(key) {
      try {
        return await shared.increment(key);
      } catch {
        return local.increment(key);
      }
    },
    async decrement(key) {
      try {
        await shared.decrement(key);
      } catch {
        await local.decrement(key);
      }
    },
    async resetKey(key) {
      await Promise.allSettled([shared.resetKey(key), local.resetKey(key)]);
    },
  };
}

export type RateLimitOptions = {
  clock: Clock;
  /** express-rate-limit's own warnings (proxy misconfiguration and the like) go here, not to the console. */
  logger: Logger;
  windowMs: number;
  authLimit: number;
  loginMaxFailures: number;
  /** One store per limiter: a prefix keeps their keys apart when they share Redis. */
  createStore: (prefix: string) => Store;
};

function limiter(
  options: RateLimitOptions,
  prefix: string,
  limit: number,
  extra: Partial<Parameters<typeof rateLimit>[0]> = {},
): RequestHandler {
  const { clock } = options;
  return rateLimit({
    windowMs: options.windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: options.createStore(prefix),
    // Redis down must not take logins down with it; limits come back with Redis.
    passOnStoreError: true,
    logger: {
      warn: (error, message) => options.logger.warn({ err: error }, message ?? 'rate limiter warning'),
      error: (error, message) => options.logger.error({ err: error }, message ?? 'rate limiter error'),
    },
    handler: (req: Request) => {
      const resetAt =
        (req as Request & { rateLimit?: ClientRateLimitInfo }).rateLimit?.resetTime?.getTime() ?? clock.now() + options.windowMs;
      const retryAfter = Math.max(1, Math.ceil((resetAt - clock.now()) / 1000));
      throw new AppError(429, 'rate_limited', `Too many requests; try again in ${retryAfter} seconds`, {
        headers: { 'Retry-After': String(retryAfter) },
      });
    },
    ...extra,
  });
}

/** Every /auth/* request but logout counts against the IP's budget (requirement 7). */
export function createAuthRateLimit(options: RateLimitOptions): RequestHandler {
  return limiter(options, 'auth:', options.authLimit, {
    // Express routes /logout/, /Logout and /LOGOUT to the logout handler too, so match as it does.
    skip: (req) => /^\/logout\/?$/i.test(req.path),
  });
}

/**
 * Failed logins per email and IP. A counted failure is a 401; once the count is reached, the next
 * attempt is refused before the password is even checked, so the right password does not help.
 */
export function createLoginFailureLimit(options: RateLimitOptions, emailOf: (req: Request) => string): RequestHandler {
  return limiter(options, 'login:', options.loginMaxFailures, {
    // ipKeyGenerator groups an IPv6 address by its /56, so one host cannot rotate addresses.
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${emailOf(req)}`,
    skipSuccessfulRequests: true,
    // The right password of an account with a second factor is a 401 too (second_factor_required),
    // and no failure: only a wrong email or password counts.
    requestWasSuccessful: (_req, res) => res.statusCode !== 401 || problemCodeOf(res) !== 'invalid_credentials',
  });
}

/**
 * Failed second steps of a sign-in (POST /auth/login/second-factor answered 401: a wrong code, or
 * a challenge that is unknown, used or dead), as the password checks count wrong passwords: per
 * user (LOGIN_MAX_FAILURES per window) and per IP (four times that). Once either count is reached,
 * the second step is refused before the code is looked at, the right code included. `userOf` names
 * the challenge's user, or null for a challenge that names nobody (counted per IP only).
 */
export function createSecondFactorFailureLimit(options: RateLimitOptions, userOf: (req: Request) => string | null): RequestHandler[] {
  const onlyFailures = {
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req: Request, res: { statusCode: number }) => res.statusCode !== 401,
  };
  return [
    limiter(options, 'second-factor-ip:', options.loginMaxFailures * 4, {
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
      ...onlyFailures,
    }),
    limiter(options, 'second-factor-user:', options.loginMaxFailures, {
      skip: (req) => userOf(req) === null,
      keyGenerator: (req) => `user:${userOf(req)}`,
      ...onlyFailures,
    }),
  ];
}

/**
 * Failed sign-ins with a passkey (POST /auth/passkey answered 401: an assertion that did not verify,
 * an unknown passkey, a dead ceremony, a counter that went back), per IP, four times
 * LOGIN_MAX_FAILURES per window as the other per-IP counts. No per-user count: the request names
 * no account until its passkey is found, and counting per passkey would let anyone who learned a
 * credential id lock its owner out. Once reached, the sign-in is refused before anything is checked.
 */
export function createPasskeyFailureLimit(options: RateLimitOptions): RequestHandler {
  return limiter(options, 'passkey-ip:', options.loginMaxFailures * 4, {
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
  });
}

/**
 * Refreshes per session (requirement 7, SHOULD): a stolen cookie replayed in a loop, or a client bug
 * refreshing on every request, is stopped per session rather than per IP. Requests whose cookie
 * names no session are left to the per-IP limit.
 *
 * The key is the session, not the cookie's selector: every rotation issues a new selector, so a
 * client that follows its rotated cookie would never meet a per-selector limit. `sessionOf` reads
 * what the route has already looked up (POST /auth/refresh does, counting only cookies whose
 * verifier matched, so a selector alone cannot use up someone else's budget): no I/O here.
 */
export function createRefreshLimit(
  options: RateLimitOptions & { refreshLimit: number },
  sessionOf: (req: Request) => string | null,
): RequestHandler {
  return limiter(options, 'refresh:', options.refreshLimit, {
    skip: (req) => sessionOf(req) === null,
    keyGenerator: (req) => `session:${sessionOf(req)}`,
  });
}

/** The status a password-checking route answers when the password is wrong (PUT /api/me/password). */
const WRONG_PASSWORD_STATUS = 400;

/**
 * In front of every route that checks the signed-in user's password (changing it today; any later
 * re-authentication or account deletion): a stolen access token must not become an unlimited
 * password oracle, and one account must not fill the password threads everyone's sign-in needs.
 *
 * - One check per user at a time on this instance; a second one meanwhile is refused at once.
 * - Wrong passwords count per user (LOGIN_MAX_FAILURES per window) and per IP (four times that,
 *   across every account behind the address); once either count is reached, the route is refused
 *   before any hashing, so the right password does not help either.
 *
 * `oneAtATime` goes first on the route (it needs only the caller); `failures` after the body is
 * validated, since they count every WRONG_PASSWORD_STATUS answer as a wrong password.
 */
export type PasswordCheckLimit = { oneAtATime: RequestHandler; failures: RequestHandler[] };

export function createPasswordCheckLimit(options: RateLimitOptions, userOf: (req: Request) => string): PasswordCheckLimit {
  const checking = new Set<string>();
  const oneAtATime: RequestHandler = (req, res, next) => {
    const user = userOf(req);
    if (checking.has(user)) {
      throw new AppError(429, 'rate_limited', 'A password check for this account is already running; try again in 1 second', {
        headers: { 'Retry-After': '1' },
      });
    }
    checking.add(user);
    res.once('close', () => checking.delete(user));
    next();
  };
  const onlyFailures = {
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req: Request, res: { statusCode: number }) => res.statusCode !== WRONG_PASSWORD_STATUS,
  };
  return {
    oneAtATime,
    failures: [
      limiter(options, 'password-ip:', options.loginMaxFailures * 4, {
        keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
        ...onlyFailures,
      }),
      limiter(options, 'password-user:', options.loginMaxFailures, { keyGenerator: (req) => userOf(req), ...onlyFailures }),
    ],
  };
}

/**
 * In front of every route that sends mail: per recipient (an address, or the signed-in user) and
 * per IP, counted whether or not an account has the address, so the limit itself tells nothing.
 * `mailLimit` per window per recipient, four times that per IP.
 */
export function createMailLimit(
  options: RateLimitOptions & { mailLimit: number },
  kind: string,
  recipientOf: (req: Request) => string,
): RequestHandler[] {
  return [
    limiter(options, `mail-ip-${kind}:`, options.mailLimit * 4, { keyGenerator: (req) => ipKeyGenerator(req.ip ?? '') }),
    limiter(options, `mail-${kind}:`, options.mailLimit, { keyGenerator: (req) => recipientOf(req) }),
  ];
}

/**
 * A window limit per credential (an API token, a service client): the same counters, headers and
 * 429 as `limiter`, for requests a program may send thousands of a second. express-rate-limit's
 * middleware awaits five times and hashes the key for every request; this one answers synchronously
 * when the counters are in process and hashes each key once: an API token's request costs about 10 µs
 * less (docs/performance.md, API tokens). A request counts under `<policy.key>:<id>`; nothing is counted
 * for a request `idOf` names no credential for.
 */
function credentialLimiter(
  options: RateLimitOptions,
  prefix: string,
  policy: { name: string; limit: number; key: string },
  idOf: (req: Request) => string | undefined,
): RequestHandler {
  const { clock, windowMs } = options;
  const store = options.createStore(prefix);
  void Promise.resolve(store.init?.({ windowMs } as Parameters<NonNullable<Store['init']>>[0])).catch((error: unknown) =>
    options.logger.error({ err: error }, 'rate limit store failed to start'),
  );
  const windowSeconds = Math.ceil(windowMs / 1000);
  const partitionKeys = new LRUCache<string, string>({ max: 10_000 });
  // What express-rate-limit sends as the partition key: the key itself never leaves the server.
  const partitionKeyOf = (key: string) => {
    let pk = partitionKeys.get(key);
    if (pk === undefined) {
      pk = Buffer.from(createHash('sha256').update(key).digest('hex').slice(0, 12)).toString('base64');
      partitionKeys.set(key, pk);
    }
    return pk;
  };
  const answer = (key: string, counted: ClientRateLimitInfo, res: Response, next: NextFunction) => {
    const resetSeconds = counted.resetTime ? Math.max(0, Math.ceil((counted.resetTime.getTime() - clock.now()) / 1000)) : windowSeconds;
    const remaining = Math.max(policy.limit - counted.totalHits, 0);
    res.append('RateLimit', `"${policy.name}"; r=${remaining}; t=${resetSeconds}`);
    res.append('RateLimit-Policy', `"${policy.name}"; q=${policy.limit}; w=${windowSeconds}; pk=:${partitionKeyOf(key)}:`);
    if (counted.totalHits <= policy.limit) return next();
    const retryAfter = Math.max(1, resetSeconds);
    next(
      new AppError(429, 'rate_limited', `Too many requests; try again in ${retryAfter} seconds`, {
        headers: { 'Retry-After': String(retryAfter) },
      }),
    );
  };
  const passOnStoreError = (error: unknown, next: NextFunction) => {
    // As passOnStoreError for the other limits: a store that fails lets requests through.
    options.logger.error({ err: error }, 'rate limit store failed; request let through');
    next();
  };
  return (req, res, next) => {
    const id = idOf(req);
    if (id === undefined) return next();
    const key = `${policy.key}:${id}`;
    let counted: ClientRateLimitInfo | Promise<ClientRateLimitInfo>;
    try {
      counted = store.increment(key);
    } catch (error) {
      return passOnStoreError(error, next);
    }
    if (!(counted instanceof Promise)) return answer(key, counted, res, next);
    counted.then(
      (known) => answer(key, known, res, next),
      (error: unknown) => passOnStoreError(error, next),
    );
  };
}

/**
 * Requests per API token per window (API_TOKEN_RATE_LIMIT), with the RateLimit headers a script
 * can pace itself by. Requests for which `tokenOf` names no token (browser sessions) pass.
 */
export function createApiTokenLimit(
  options: RateLimitOptions & { apiTokenLimit: number },
  tokenOf: (req: Request) => string | undefined,
): RequestHandler {
  // The policy's name in the RateLimit headers, so a script can tell which limit it meets.
  return credentialLimiter(options, 'api-token:', { name: 'api-token', limit: options.apiTokenLimit, key: 'token' }, tokenOf);
}

/**
 * Failed client authentications at POST /oauth/token per IP (four times LOGIN_MAX_FAILURES per
 * window, as for passwords): a client secret is 256 random bits and cannot be guessed, but an
 * endpoint that answers every guess is still a free oracle and a load. Only 401s count; once the
 * count is reached, the next request is refused before its credentials are looked at.
 */
export function createClientAuthFailureLimit(options: RateLimitOptions): RequestHandler {
  return limiter(options, 'client-auth-ip:', options.loginMaxFailures * 4, {
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
  });
}

/**
 * Requests per service client per window at POST /oauth/introspect (the API token budget,
 * API_TOKEN_RATE_LIMIT), with RateLimit headers named `service-client`.
 */
export function createServiceClientLimit(
  options: RateLimitOptions & { apiTokenLimit: number },
  clientOf: (req: Request) => string | undefined,
): RequestHandler {
  return credentialLimiter(options, 'service-client:', { name: 'service-client', limit: options.apiTokenLimit, key: 'client' }, clientOf);
}
