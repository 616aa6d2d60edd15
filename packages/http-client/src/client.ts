import type { LoginRequest, PasswordResetConfirmRequest, RegisterRequest, User } from '@spa-auth/contract/wire';
import { CSRF_HEADER } from '@spa-auth/contract/wire';
import axios, { type AxiosInstance, type CreateAxiosDefaults, type InternalAxiosRequestConfig } from 'axios';
import { ApiError, type ClientErrorCode, toApiError } from './errors.ts';
import { sessionResponseOf } from './parse.ts';
import { createBroadcastChannel, createLockManager, createPageLifecycle, type Seams } from './seams.ts';

/**
 * What the app may know of the session: never the token itself.
 *
 * @example
 * ```ts
 * const session = client.getSession();
 * if (session) greet(session.user.name, Math.round((session.accessTokenExpiresAt - Date.now()) / 1000));
 * ```
 */
export type Session = {
  user: User;
  /**
   * When the current access token expires, in epoch ms by the client's clock. Not the session's own
   * end, which the API decides (idle and absolute limits) and the client learns only when a refresh is refused.
   */
  accessTokenExpiresAt: number;
  /** The access token's whole lifetime in ms (the API's ACCESS_TOKEN_TTL). */
  accessTokenLifetime: number;
};

/**
 * What a passkey answered to a ceremony's options, as JSON: what `@simplewebauthn/browser`'s
 * `startAuthentication()` resolves with, or `PublicKeyCredential.toJSON()`. The client sends it as
 * it is; the API checks it (the members named here are the ones it reads first).
 */
export type PasskeyAssertionJSON = {
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; authenticatorData: string; signature: string };
};

/**
 * A passkey's proof: the `ceremonyId` that came with the options and the passkey's answer to them.
 * The app runs the ceremony (with `@simplewebauthn/browser` or the browser's own API): the client
 * needs no WebAuthn code, only this JSON.
 *
 * @example
 * ```ts
 * const { ceremonyId, options } = (await client.http.post('/api/me/passkeys/reauthentication-options')).data;
 * const proof: PasskeyProof = { passkey: { ceremonyId, response: await startAuthentication({ optionsJSON: options }) } };
 * ```
 */
export type PasskeyProof = { passkey: { ceremonyId: string; response: PasskeyAssertionJSON } };

/**
 * A proof of the second factor: a code of the authenticator app, one of the recovery codes, or a
 * passkey (options from `POST /auth/login/second-factor/passkey-options`). The `factors` of a
 * `second_factor_required` problem say which the account can give.
 *
 * @example
 * ```ts
 * const proof: SecondFactorProof = usingRecoveryCode ? { recoveryCode: typed } : { code: typed };
 * ```
 */
export type SecondFactorProof = { code: string } | { recoveryCode: string } | PasskeyProof;

/**
 * Why this tab refreshed: at start-up, before an expiring token is sent, after a 401, on resume, or
 * because the app asked (`refreshSession()`).
 *
 * @example
 * ```ts
 * const label: Record<RefreshReason, string> = { startup: 'start', expiring: 'early', unauthorized: '401', resume: 'resume', requested: 'asked' };
 * ```
 */
export type RefreshReason = 'startup' | 'expiring' | 'unauthorized' | 'resume' | 'requested';

/**
 * Everything the client does, as it happens. The demo's token timeline is drawn from these.
 *
 * @example
 * ```ts
 * client.subscribe((event) => {
 *   if (event.type === 'refresh-started') console.log('refreshing because', event.reason);
 * });
 * ```
 */
export type ClientEvent = { at: number } & (
  | { type: 'request'; method: string; url: string; authorized: boolean }
  | { type: 'unauthorized'; method: string; url: string; code: string | undefined }
  | { type: 'queued'; method: string; url: string }
  | { type: 'retried'; method: string; url: string }
  | { type: 'refresh-started'; reason: RefreshReason }
  | { type: 'refresh-finished'; accessTokenExpiresAt: number }
  | { type: 'refresh-failed'; code: ClientErrorCode; retryAfter?: number }
  | { type: 'token-from-other-tab'; accessTokenExpiresAt: number }
  | { type: 'session-changed'; session: Session | null }
  | { type: 'session-expired'; code: string }
);

/**
 * @example
 * ```ts
 * const options: ApiClientOptions = { baseURL: '/', onSessionExpired: ({ code }) => goToLogin(code), refreshMargin: 15_000 };
 * ```
 */
export type ApiClientOptions = {
  /** The API's base URL: absolute, or a path starting with `/` for a same-origin deployment. */
  baseURL: string;
  /**
   * Called once when a session ends without the user asking: the refresh was refused, or another
   * tab signed out. Navigate to the login page here; the client never navigates itself.
   */
  onSessionExpired?: (info: { code: string }) => void;
  /** Refresh this long before expiry instead of waiting for a 401. Default 30 s, at most a quarter of the token's lifetime. */
  refreshMargin?: number;
  /**
   * Other origins that receive the access token: services that accept the API's tokens (they check
   * them against its JWKS or by introspection). Each is exactly an origin, `scheme://host[:port]` as
   * `new URL(url).origin` writes it; anything else (a path, a trailing slash, a wildcard) throws here.
   * Their requests are API calls (token, refresh, one retry, session end), without the cookie or
   * `X-Requested-With`. Default: none; the API's own origin always receives it.
   *
   * @example
   * ```ts
   * const client = createApiClient({ baseURL: 'https://api.example.com', tokenOrigins: ['https://notes.example.com'] });
   * const { data } = await client.http.get('https://notes.example.com/notes');
   * ```
   */
  tokenOrigins?: readonly string[];
  /** Name of the lock and channel shared by the tabs. Default `spa-auth`. */
  name?: string;
  /**
   * Called when the API wants the password again for a sensitive request (401 with
   * `error="insufficient_user_authentication"`, RFC 9470): a refresh would not help, since it proves
   * the cookie, not the person. Ask for the password, call `client.reauthenticate(password)`, and
   * resolve true once it succeeded (the request is then sent again, once), or false if the user gave
   * up (the request rejects with that code). Concurrent requests share one call. `acrValues` is the
   * challenge's `acr_values`: with `urn:spa-auth:acr:mfa` the route wants the second factor too, so
   * ask for a code and call `client.reauthenticate(password, { code })`.
   *
   * @example
   * ```ts
   * const client = createApiClient({
   *   baseURL: '/',
   *   onReauthenticationRequired: ({ maxAgeSeconds }) => passwordDialog.open({ maxAgeSeconds }),
   * });
   * // passwordDialog: on submit `await client.reauthenticate(password)` then resolve true; on cancel resolve false
   * ```
   */
  onReauthenticationRequired?: (info: { maxAgeSeconds: number | undefined; acrValues: string[] | undefined }) => Promise<boolean>;
  /** Extra axios defaults for the instance (timeout, headers). */
  axios?: CreateAxiosDefaults;
  /** Replace browser features (tests, non-browser hosts). */
  seams?: Partial<Seams>;
};

/**
 * @example
 * ```ts
 * const client: ApiClient = createApiClient({ baseURL: 'https://api.example.com' });
 * await client.login({ email, password });
 * const { data } = await client.http.get('/api/sessions');
 * ```
 */
export type ApiClient = {
  /** The one axios instance for every API call. The token is attached for the API's origin and `tokenOrigins` only. */
  readonly http: AxiosInstance;
  /** Start-up: restores the session from the refresh cookie. Single-flight: every call shares one refresh. */
  restore(): Promise<Session | null>;
  /**
   * Signs in with the password (POST /auth/login). For an account with a second factor the API
   * starts no session: this rejects with `ApiError` code `second_factor_required`, whose `problem`
   * carries the single-use `challenge` and the `factors` the account can give; finish with
   * `completeSignIn`.
   */
  login(input: LoginRequest): Promise<Session>;
  /**
   * The second step of a sign-in (POST /auth/login/second-factor): the `challenge` of the
   * `second_factor_required` answer and a proof of the second factor. Adopts the session in every
   * tab, as `login` does. Rejects with `ApiError`: `second_factor_invalid` (wrong or used code: ask
   * again), `second_factor_challenge_invalid` (expired, used or spent: start again with the
   * password), `rate_limited` (`retryAfter`), `validation_failed`.
   *
   * @example
   * ```ts
   * try {
   *   await client.login({ email, password });
   * } catch (error) {
   *   if (!(error instanceof ApiError) || error.code !== 'second_factor_required') throw error;
   *   const code = await askForCode(error.problem?.factors);
   *   await client.completeSignIn(error.problem?.challenge ?? '', { code });
   * }
   * ```
   */
  completeSignIn(challenge: string, proof: SecondFactorProof): Promise<Session>;
  /**
   * Signs in with a passkey, no email typed (POST /auth/passkey): the `ceremonyId` of the options
   * `POST /auth/passkey/options` answered, and the passkey's answer to those options, as the same
   * `PasskeyProof` that `completeSignIn` and `reauthenticate` take. Adopts the
   * session in every tab, as `login` does. Rejects with `ApiError`: `passkey_challenge_invalid` (the
   * options are used or older than five minutes: ask for new ones), `passkey_unknown` (no account
   * has this passkey, or it was removed), `passkey_invalid`, `passkey_cloned`, `account_disabled`,
   * `rate_limited` (`retryAfter`).
   *
   * @example
   * ```ts
   * const { ceremonyId, options } = (await client.http.post('/auth/passkey/options')).data;
   * await client.signInWithPasskey({ passkey: { ceremonyId, response: await startAuthentication({ optionsJSON: options }) } });
   * ```
   */
  signInWithPasskey(proof: PasskeyProof): Promise<Session>;
  register(input: RegisterRequest): Promise<Session>;
  /**
   * Sets a new password with the token of an emailed reset link (POST /auth/password-reset/confirm)
   * and adopts the session the API answers with, as `login` does. The API has ended every other
   * session of the account; the other tabs take this one.
   *
   * @example
   * ```ts
   * const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
   * await client.resetPassword({ token, newPassword });
   * router.navigate('/');
   * ```
   */
  resetPassword(input: PasswordResetConfirmRequest): Promise<Session>;
  /**
   * Refreshes now, for something the current access token does not state yet (a newly verified
   * email address). Resolves with the new session, or null when signed out; rejects as a refresh
   * does, and a refused refresh ends the session.
   *
   * @example
   * ```ts
   * await verifyEmail(token);
   * await client.refreshSession();
   * ```
   */
  refreshSession(): Promise<Session | null>;
  /**
   * Proves the password again for the signed-in session (POST /auth/reauthenticate) and adopts the
   * access token it answers with, whose `auth_time` is now, as a refresh does: the other tabs take it
   * too. The refresh cookie stays as it is. An account with a second factor sends a code of it, or a
   * recovery code, as `secondFactor`. A passkey proves it alone: pass a `PasskeyProof` (options from
   * `POST /api/me/passkeys/reauthentication-options`) instead of the password, and no `secondFactor`.
   * Rejects with `ApiError`: `invalid_credentials` (wrong password, try again),
   * `second_factor_required` (the account has a second factor: ask for a code),
   * `second_factor_invalid` (wrong or used code), `passkey_challenge_invalid`, `passkey_invalid`,
   * `passkey_unknown`, `passkey_cloned`, `rate_limited` (see `retryAfter`).
   *
   * @example
   * ```ts
   * try {
   *   await client.reauthenticate(password);
   *   resolvePrompt(true);
   * } catch (error) {
   *   if (error instanceof ApiError && error.code === 'invalid_credentials') showWrongPassword();
   *   else throw error;
   * }
   * ```
   */
  reauthenticate(proof: string | PasskeyProof, secondFactor?: SecondFactorProof): Promise<Session>;
  /** Ends the session here, on the server and in the other tabs. */
  logout(): Promise<void>;
  /** The current session, or null. The same object until the session changes (for useSyncExternalStore). */
  getSession(): Session | null;
  /** Listens to every ClientEvent; returns the function that stops listening. */
  subscribe(listener: (event: ClientEvent) => void): () => void;
  /** Installs the interceptors on another axios instance; a second call for one instance does nothing. */
  attach(instance: AxiosInstance): void;
  /** Closes the channel and page listeners. */
  dispose(): void;
};

/**
 * The access token and what came with it. Tabs post it to each other as it is, so its field names are
 * part of what tabs of different versions say to each other: renaming one would make an open tab of
 * the previous version ignore the tokens of a newer one.
 */
type Token = { value: string; expiresAt: number; lifetime: number; user: User };
/**
 * What the tabs tell each other. `attempt` marks the word of a refresh lock's holder: what it did
 * (a token, the session's end, or a failure), posted before it releases the lock.
 */
type TabMessage = ({ type: 'session'; token: Token } | { type: 'ended'; code: string } | { type: 'failed' }) & { attempt?: string };
/**
 * `sentWithTokenVersion`: the `tokenVersion` whose token the request carried, -1 when it carried none.
 * `reauthenticated`: the request already met the step-up challenge once; a second one is not retried.
 */
type RequestState = { retried: boolean; sentWithTokenVersion: number; reauthenticated?: true };
type Config = InternalAxiosRequestConfig & { spaAuth?: RequestState };

const ATTACHED = Symbol.for('spa-auth.http-client.attached');
const DEFAULT_MARGIN_MS = 30_000;
// How long a holder's word may take to arrive before this tab concludes the holder died without one.
// Only a dead tab makes it run out: a live holder always posts before it releases the lock.
const WORD_TIMEOUT_MS = 10_000;
// Words this tab remembers: only the one of the attempt just before its own is ever waited for.
const ATTEMPTS_HEARD_LIMIT = 64;

/**
 * `tokenOrigins`, each checked to be exactly an origin: a near miss must fail loudly, not leave a
 * service without the token, and a pattern must never send it to hosts nobody listed.
 */
function tokenOriginsOf(values: readonly string[] = []): Set<string> {
  for (const value of values) {
    let origin = '';
    try {
      origin = new URL(value).origin;
    } catch {}
    if (value !== origin || !/^https?:/.test(origin) || origin.includes('*')) {
      throw new TypeError(
        `tokenOrigins: ${JSON.stringify(value)} is not an origin: scheme://host[:port] as new URL(url).origin gives it, no path, trailing slash or wildcard`,
      );
    }
  }
  return new Set(values);
}

function isTabMessage(message: unknown): message is TabMessage {
  const m = message as TabMessage | null;
  return (
    (m?.attempt === undefined || typeof m.attempt === 'string') &&
    ((m?.type === 'session' && typeof m.token?.value === 'string') ||
      (m?.type === 'ended' && typeof m.code === 'string') ||
      (m?.type === 'failed' && m.attempt !== undefined))
  );
}

/**
 * Creates the API client: one axios instance whose interceptors attach the in-memory access token,
 * refresh it once for any number of concurrent requests (and tabs), retry each failed request once,
 * and report a session that has ended. No globals: everything lives in this closure.
 *
 * @example
 * ```ts
 * const client = createApiClient({
 *   baseURL: 'http://localhost:3000',
 *   onSessionExpired: () => router.navigate(`/login?returnTo=${encodeURIComponent(currentPath())}`),
 * });
 * await client.restore();
 * const { data } = await client.http.get('/api/me');
 * ```
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  // Checked first, so a bad list throws before a channel or page listener is opened.
  const tokenOrigins = tokenOriginsOf(options.tokenOrigins);
  const name = options.name ?? 'spa-auth';
  const clock = options.seams?.clock ?? { now: () => Date.now() };
  const channel = options.seams?.channel !== undefined ? options.seams.channel : createBroadcastChannel(name);
  // After the channel: the lock manager is told of the holders recorded from now on, whose words this tab will hear.
  const locks = options.seams?.locks ?? createLockManager();
  const lifecycle = options.seams?.lifecycle !== undefined ? options.seams.lifecycle : createPageLifecycle();
  const http = axios.create({ ...options.axios, baseURL: options.baseURL });

  // The page's URL is only a base for resolving relative URLs; the client never navigates.
  const pageBaseUri = () => globalThis.document?.baseURI ?? 'http://localhost/';
  // Resolved once: baseURL is absolute or starts with '/', so navigation within the app cannot change it.
  const apiBase = new URL(options.baseURL, pageBaseUri());
  const authPrefix = `${apiBase.pathname.replace(/\/$/, '')}/auth/`;

  let token: Token | null = null;
  let session: Session | null = null;
  /** Counts this tab's token changes; a 401 for a request sent with an older version is retried without a refresh. */
  let tokenVersion = 0;
  /** The token version the API answered 401 to: a token known to be bad is never sent again. */
  let refusedTokenVersion = -1;
  let refreshing: Promise<void> | null = null;
  let restoring: Promise<Session | null> | null = null;
  /** The app's answer to the one password prompt running, shared by every request that needs it. */
  let reauthenticating: Promise<boolean> | null = null;
  /** The token version adopted by the last re-authentication: a request sent before it needs no new prompt. */
  let reauthenticatedAtVersion = -1;
  /** After a 429: no refresh before `until`; until then a refresh rejects with the 429's error. */
  let refreshBackoff: { until: number; error: ApiError } | null = null;
  /** Counts the session ends other tabs reported, so a tab waiting for its refresh need not ask again. */
  let sessionEndsFromOtherTabs = 0;
  /** The code of the last session end, the word this tab repeats when it found the session ended. */
  let lastEndCode = '';
  /** The ids of the attempts whose word has arrived, oldest first. */
  const attemptsHeard = new Set<string>();
  const listeners = new Set<(event: ClientEvent) => void>();
  const wordWaiters = new Set<() => void>();

  type EventBody = ClientEvent extends infer E ? (E extends ClientEvent ? Omit<E, 'at'> : never) : never;
  const emit = (event: EventBody) => {
    const full = { ...event, at: clock.now() } as ClientEvent;
    for (const listener of listeners) {
      try {
        listener(full);
      } catch {
        // A listener's bug must not break a request.
      }
    }
  };

  const refreshMarginOf = (t: Token) => Math.min(options.refreshMargin ?? DEFAULT_MARGIN_MS, t.lifetime / 4);
  const isExpiring = (t: Token) => clock.now() >= t.expiresAt - refreshMarginOf(t);
  const isExpired = (t: Token) => clock.now() >= t.expiresAt;
  // After a failed refresh: a token that is still valid is still worth sending, unless the API has refused it.
  const isWorthSending = () => token !== null && !isExpired(token) && refusedTokenVersion !== tokenVersion;

  /** Notes that `attempt`'s word is known here; this tab's own words count too, as it may hold the lock next. */
  function hear(attempt: string | undefined): void {
    if (attempt === undefined) return;
    attemptsHeard.add(attempt);
    if (attemptsHeard.size > ATTEMPTS_HEARD_LIMIT) attemptsHeard.delete(attemptsHeard.values().next().value as string);
    for (const check of wordWaiters) check();
  }
  const post = (message: TabMessage) => {
    hear(message.attempt);
    channel?.post(message);
  };

  function setToken(next: Token | null): void {
    token = next;
    tokenVersion += 1;
    session = next ? { user: next.user, accessTokenExpiresAt: next.expiresAt, accessTokenLifetime: next.lifetime } : null;
    emit({ type: 'session-changed', session });
  }

  function acceptSession(body: unknown, attempt?: string): Session {
    const parsed = sessionResponseOf(body);
    if (!parsed) throw new ApiError('unexpected_response', 'The API sent a session in an unexpected shape');
    const { accessToken, expiresIn, user } = parsed;
    // expiresIn is relative, so the client's own clock decides, whatever the server's clock says.
    setToken({ value: accessToken, expiresAt: clock.now() + expiresIn * 1000, lifetime: expiresIn * 1000, user });
    post({ type: 'session', token: token as Token, attempt });
    return session as Session;
  }

  /** The session is over: clear it here, tell the other tabs, and tell the app if it did not ask for it. */
  function endSession(code: string, notifyApp: boolean, share: boolean, attempt?: string): void {
    const hadSession = token !== null;
    lastEndCode = code;
    if (hadSession) setToken(null);
    if (share) post({ type: 'ended', code, attempt });
    if (hadSession && notifyApp) {
      emit({ type: 'session-expired', code });
      options.onSessionExpired?.({ code });
    }
  }

  /**
   * Resolves once the word of `attempt` has arrived, or WORD_TIMEOUT_MS after the attempt began if
   * its tab died first: an attempt's id starts with its start time, and a holder that died minutes
   * ago (a tab closed while it refreshed) must not hold up a refresh now.
   */
  const waitForWord = (attempt: string) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wordWaiters.delete(check);
        resolve();
      };
      const check = () => {
        if (attemptsHeard.has(attempt)) done();
      };
      // Never longer than the full wait (a clock set back); an id in another form waits not at all.
      const timer = setTimeout(done, Math.min(WORD_TIMEOUT_MS, parseInt(attempt, 36) + WORD_TIMEOUT_MS - clock.now()));
      wordWaiters.add(check);
      check();
    });

  /**
   * One refresh at a time per tab (a shared promise, not a flag) and per browser (a lock). Whoever
   * holds the lock posts its word before releasing it: the token, the session's end, or a failure.
   * The next holder waits for that word (the lock names the attempt it came after) and decides on it.
   */
  function refresh(reason: RefreshReason): Promise<void> {
    if (refreshing) return refreshing;
    if (refreshBackoff && clock.now() < refreshBackoff.until) return Promise.reject(refreshBackoff.error);
    const tokenVersionAsked = tokenVersion;
    const sessionEndsAsked = sessionEndsFromOtherTabs;
    const attempt = `${clock.now().toString(36)}.${Math.random().toString(36).slice(2)}`;
    refreshing = (async () => {
      try {
        await locks.run(`${name}:refresh`, attempt, async (previous) => {
          // The word and the lock grant travel separately: the word may still be on its way. Without
          // a channel no word can come: this tab decides alone, as it would without the lock.
          if (previous && channel) await waitForWord(previous);
          // Another tab refreshed since this one asked: take its token, and pass the word on.
          if (token && tokenVersion !== tokenVersionAsked && !isExpiring(token)) return post({ type: 'session', token, attempt });
          // Another tab found no session (or ended it): asking again would only hear the same 401.
          if (!token && sessionEndsFromOtherTabs !== sessionEndsAsked) return post({ type: 'ended', code: lastEndCode, attempt });
          emit({ type: 'refresh-started', reason });
          try {
            acceptSession((await http.post('/auth/refresh')).data, attempt);
          } catch (caught) {
            const error = toApiError(caught);
            emit({ type: 'refresh-failed', code: error.code, ...(error.retryAfter !== undefined ? { retryAfter: error.retryAfter } : {}) });
            if (error.status === 401) endSession(error.code, true, true, attempt);
            else {
              // A failure tells the next holder nothing about the session: it tries for itself.
              post({ type: 'failed', attempt });
              // 429: no refresh before Retry-After has passed; the session is kept.
              if (error.status === 429) refreshBackoff = { until: clock.now() + (error.retryAfter ?? 1) * 1000, error };
            }
            throw error;
          }
          emit({ type: 'refresh-finished', accessTokenExpiresAt: (token as Token).expiresAt });
        });
        refreshBackoff = null;
      } catch (caught) {
        throw toApiError(caught);
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  const urlOf = (instance: AxiosInstance, config: InternalAxiosRequestConfig) => new URL(instance.getUri(config), pageBaseUri());

  /** 'api' gets the token; 'auth' is the API's cookie endpoints; 'foreign' is left alone. */
  function classify(url: URL): 'foreign' | 'auth' | 'api' {
    // The cookie endpoints exist on the API's origin only: a token origin's /auth/ path is an API call.
    if (url.origin === apiBase.origin) return url.pathname.startsWith(authPrefix) ? 'auth' : 'api';
    return tokenOrigins.has(url.origin) ? 'api' : 'foreign';
  }

  const describe = (config: InternalAxiosRequestConfig) => ({ method: (config.method ?? 'get').toUpperCase(), url: config.url ?? '' });

  function attach(instance: AxiosInstance): void {
    const marked = instance as AxiosInstance & { [ATTACHED]?: true };
    if (marked[ATTACHED]) return;
    marked[ATTACHED] = true;

    instance.interceptors.request.use(async (config: Config) => {
      const url = urlOf(instance, config);
      const target = classify(url);
      if (target === 'foreign') return config;
      // The CSRF header guards the API's cookie endpoints only. A token origin has none, so it is not
      // sent there and that service's CORS allow-list needs no X-Requested-With.
      if (url.origin === apiBase.origin) config.headers.set(CSRF_HEADER.name, CSRF_HEADER.value);
      if (target === 'auth') {
        // The refresh cookie is scoped to /auth, so only these requests need credentials.
        config.withCredentials = true;
        return config;
      }
      config.spaAuth ??= { retried: false, sentWithTokenVersion: -1 };
      const state = config.spaAuth;
      if (restoring) await restoring.catch(() => {});
      if (refreshing) {
        emit({ type: 'queued', ...describe(config) });
        await refreshing.catch((error: unknown) => {
          if (!isWorthSending()) throw error;
        });
      } else if (token && isExpiring(token)) {
        await refresh('expiring').catch((error: unknown) => {
          if (!isWorthSending()) throw error;
        });
      }
      if (token) {
        config.headers.set('Authorization', `Bearer ${token.value}`);
        state.sentWithTokenVersion = tokenVersion;
      }
      emit({ type: 'request', ...describe(config), authorized: token !== null });
      return config;
    });

    instance.interceptors.response.use(undefined, async (error: unknown) => {
      const config = (error as { config?: Config }).config;
      if (!config || classify(urlOf(instance, config)) === 'foreign') throw error;
      const response = (error as { response?: { status: number; headers: Record<string, unknown> } }).response;
      const challenge = String(response?.headers['www-authenticate'] ?? '');
      // Only API requests (not /auth/*) carry this state, set by the request interceptor.
      const state = config.spaAuth;
      const failure = toApiError(error);
      if (response?.status === 401 && /error="insufficient_user_authentication"/.test(challenge) && state && !state.reauthenticated) {
        // The token is valid but the sign-in is too old: only the person can fix that, so no refresh.
        state.reauthenticated = true;
        if (state.sentWithTokenVersion >= reauthenticatedAtVersion) {
          const maxAge = /max_age=(\d+)/.exec(challenge)?.[1];
          const acrValues = /acr_values="([^"]*)"/.exec(challenge)?.[1]?.split(' ');
          const ask = async () =>
            (await options.onReauthenticationRequired?.({ maxAgeSeconds: maxAge ? Number(maxAge) : undefined, acrValues })) === true;
          reauthenticating ??= ask()
            .catch(() => false)
            .finally(() => {
              reauthenticating = null;
            });
          if (!(await reauthenticating)) throw failure;
        }
        return instance.request(config);
      }
      // Only an invalid or expired token is worth a refresh; and never twice for one request.
      if (response?.status !== 401 || !/error="invalid_token"/.test(challenge) || !state || state.retried) throw failure;
      emit({ type: 'unauthorized', ...describe(config), code: failure.code });
      state.retried = true;
      if (state.sentWithTokenVersion === tokenVersion) {
        refusedTokenVersion = tokenVersion;
        await refresh('unauthorized');
      }
      if (!token) throw failure;
      emit({ type: 'retried', ...describe(config) });
      return instance.request(config);
    });
  }

  attach(http);

  const unsubscribeChannel = channel?.subscribe((message) => {
    if (!isTabMessage(message)) return;
    if (message.type === 'ended') {
      sessionEndsFromOtherTabs += 1;
      endSession(message.code, true, false);
    } else if (
      message.type === 'session' &&
      message.token.value !== token?.value &&
      // Take the other tab's token unless ours lives longer (then ours is the newer one), or ours was refused.
      !(token && token.expiresAt > message.token.expiresAt && refusedTokenVersion !== tokenVersion)
    ) {
      setToken(message.token);
      emit({ type: 'token-from-other-tab', accessTokenExpiresAt: message.token.expiresAt });
    }
    hear(message.attempt);
  });

  const unsubscribeLifecycle = lifecycle?.onResume((from) => {
    // Back from the bfcache, the session may have ended elsewhere meanwhile: check it. A tab that
    // was only hidden refreshes only when its token is about to expire.
    if (token && (from === 'bfcache' || isExpiring(token))) refresh('resume').catch(() => {});
  });

  async function start(
    path: string,
    body:
      | LoginRequest
      | RegisterRequest
      | PasswordResetConfirmRequest
      | ({ challenge: string } & SecondFactorProof)
      | PasskeyProof['passkey'],
  ): Promise<Session> {
    try {
      return acceptSession((await http.post(path, body)).data);
    } catch (error) {
      throw toApiError(error);
    }
  }

  return {
    http,
    restore() {
      restoring ??= (async () => {
        if (token && !isExpiring(token)) return session;
        try {
          await refresh('startup');
        } catch (error) {
          if ((error as ApiError).status !== 401) throw error;
        }
        return session;
      })().finally(() => {
        // Single-flight while running only: a later call (after a failure, a sign-in or a sign-out)
        // must answer the session as it is then, not the first answer.
        restoring = null;
      });
      return restoring;
    },
    login: (input) => start('/auth/login', input),
    completeSignIn: (challenge, proof) => start('/auth/login/second-factor', { challenge, ...proof }),
    signInWithPasskey: (proof) => start('/auth/passkey', proof.passkey),
    register: (input) => start('/auth/register', input),
    resetPassword: (input) => start('/auth/password-reset/confirm', input),
    async refreshSession() {
      if (!token) return null;
      // A refresh already on its way may have been asked before the change: ask once more after it.
      if (refreshing) await refreshing.catch(() => {});
      await refresh('requested');
      return session;
    },
    async reauthenticate(proof, secondFactor) {
      try {
        // The prompt may have stayed open past the token's expiry.
        if (!token || isExpiring(token)) await refresh('expiring');
        const headers = { Authorization: `Bearer ${(token as Token).value}` };
        // The one /auth route that takes the token: it proves who asks, the password proves it is still them.
        const body = typeof proof === 'string' ? { password: proof, ...secondFactor } : proof;
        const fresh = acceptSession((await http.post('/auth/reauthenticate', body, { headers })).data);
        reauthenticatedAtVersion = tokenVersion;
        return fresh;
      } catch (error) {
        throw toApiError(error);
      }
    },
    async logout() {
      try {
        await http.post('/auth/logout');
      } finally {
        // Signed out here and in the other tabs even when the API could not be told.
        endSession('signed_out', false, true);
      }
    },
    getSession: () => session,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    attach,
    dispose() {
      unsubscribeChannel?.();
      unsubscribeLifecycle?.();
      channel?.close();
      listeners.clear();
    },
  };
}
