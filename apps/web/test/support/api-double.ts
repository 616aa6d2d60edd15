import {
  ACR_MFA,
  type ActivityEvent,
  type ActivityResponse,
  type ActivityType,
  type AdminUser,
  type AdminUsersResponse,
  API_TOKEN_PREFIX,
  type ApiTokenInfo,
  type ApiTokensResponse,
  type ChangeEmailRequest,
  type ConfirmEmailChangeRequest,
  CreateApiTokenRequest,
  type CreatedApiTokenResponse,
  type ErrorCode,
  type LoginRequest,
  MAX_API_TOKENS_PER_USER,
  type MeResponse,
  type PasskeyInfo,
  type PasswordResetConfirmRequest,
  type PasswordResetRequest,
  problemType,
  RECOVERY_CODE_COUNT,
  type ReauthenticateRequest,
  type RegisterRequest,
  ROLE_SCOPES,
  type SecondFactor,
  type SecondFactorLoginRequest,
  type SecondFactorStatusResponse,
  type SessionResponse,
  type SessionsResponse,
  type UpdateUserAccessRequest,
  type User,
  type VerifyEmailRequest,
} from '@spa-auth/contract';
import { DEMO_USERS } from '@spa-auth/contract/demo';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { onTestFinished } from 'vitest';
import { base64UrlText, toBase64Url } from './authenticator-double.ts';

/** The API's origin in tests: another origin than the page's, as in the default deployment. */
export const API_URL = 'http://api.test';

export const api = (path: string) => `${API_URL}${path}`;

/** One process-wide interceptor; each test installs its own API double on it (installApiDouble). */
export const server = setupServer();

type Account = User & { password: string; emailVerified: boolean };
/**
 * An authenticator app as the double keeps it. The real codes are RFC 6238's, computed from the
 * secret and the time; here the app's code is a function of its step, and the step moves on when a
 * code is used, so a used code is refused afterwards as the API refuses it (requirement 17.1).
 */
type Totp = { secret: string; step: number; enrolledAt: string | null; recoveryCodes: Set<string> };
/** A sign-in waiting for its second step (requirement 17.7): whose, whether it was used, the codes it took. */
type SignInChallenge = { accountId: string; used: boolean; attempts: number; expired: boolean };
/** The double's stand-in for the app's code at a step: six digits that differ from step to step. */
const totpCodeAt = (step: number) => String(100_000 + ((step * 7919 + 4242) % 900_000));
const TOTP_CODE = /^[0-9]{6}$/;
type LinkPurpose = 'verify_email' | 'reset_password' | 'change_email';
/** `newEmail`: the address a change_email link makes the account's. */
type EmailLink = { purpose: LinkPurpose; accountId: string; state: 'fresh' | 'expired' | 'used'; newEmail?: string };
/** The real API's page size for the admin list and the activity log. */
const PAGE_SIZE = 50;
const LOCKOUT_DETAIL = 'This would leave no admin able to sign in: an admin cannot demote or disable themselves, nor the last admin';
/** The shape of an emailed link's secret: 32 bytes, base64url. */
const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;
export type SeenRequest = { method: string; path: string; headers: Headers };
/** What the double keeps of an API token: what its owner may see, and whose it is. Never its secret. */
type StoredApiToken = ApiTokenInfo & { ownerId: string; revoked: boolean };
const DAY_MS = 86_400_000;
/** A passkey as the double keeps it: its listing, its credential id and whose it is. */
type StoredPasskey = PasskeyInfo & { credentialId: string; ownerId: string };
/** The options of a passkey ceremony (requirement 18.1): what for, whose, the challenge, used or not. */
type PasskeyCeremony = {
  kind: 'registration' | 'sign_in' | 'second_step' | 'reauthentication';
  accountId: string | null;
  challenge: string;
  used: boolean;
  expired: boolean;
};
/** What @simplewebauthn/browser sends as a credential's JSON: the parts the double reads. */
type CredentialJson = { id: string; response: { clientDataJSON: string; userHandle?: string; transports?: string[] } };
/** An account's WebAuthn user handle: its id's bytes, base64url, as the API's are its id's 16 bytes. */
export const userHandleOf = (user: { id: string }) => toBase64Url(new TextEncoder().encode(user.id));
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A token in the real format's shape (prefix and 49 base62 characters); the web app never checks the checksum part. */
function newApiTokenSecret(): string {
  return API_TOKEN_PREFIX + Array.from(crypto.getRandomValues(new Uint8Array(49)), (byte) => BASE62[byte % 62]).join('');
}

export const DEMO_USER = { id: 'u-demo', ...DEMO_USERS.user } as const;
export const DEMO_ADMIN = { id: 'u-admin', ...DEMO_USERS.admin } as const;

const CHALLENGE = 'Bearer realm="spa-auth"';

/** The headers the real API's CORS layer adds for the web app's origin (requirement 5.2). */
function corsHeaders(): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': globalThis.location.origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': 'Retry-After, RateLimit, RateLimit-Policy, WWW-Authenticate',
  };
}

/** An RFC 9457 problem+json answer in the shape of requirement 3. */
export function problem(
  status: number,
  code: ErrorCode,
  init: {
    detail?: string;
    headers?: Record<string, string>;
    errors?: { path: string; message: string }[];
    /** Extension members, such as the `challenge` and `factors` of second_factor_required. */
    extra?: Record<string, unknown>;
  } = {},
) {
  return HttpResponse.json(
    {
      type: problemType(code),
      title: code.replaceAll('_', ' '),
      status,
      detail: init.detail ?? `The request failed: ${code}`,
      code,
      ...(init.errors ? { errors: init.errors } : {}),
      ...init.extra,
    },
    { status, headers: { 'Content-Type': 'application/problem+json', ...corsHeaders(), ...init.headers } },
  );
}

/** A JSON success answer with the API's CORS headers. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return HttpResponse.json(body as Record<string, unknown>, { status, headers: { ...corsHeaders(), ...headers } });
}

/** A success without a body (204, 202) with the API's CORS headers. */
export const noContent = (status = 204) => new HttpResponse(null, { status, headers: corsHeaders() });

/** 401 for a refused access token, with the challenge that tells the client to refresh (requirement 4). */
export const invalidToken = (code: 'token_expired' | 'token_invalid' | 'session_revoked' = 'token_expired') =>
  problem(401, code, { headers: { 'WWW-Authenticate': `${CHALLENGE}, error="invalid_token", error_description="${code}"` } });

export type ApiDouble = ReturnType<typeof installApiDouble>;

/**
 * A network-level stand-in for the API, with the contract's status codes, problem codes and body
 * shapes: the real client in the app talks to it over (intercepted) XMLHttpRequest. Its state is a
 * small in-memory world: accounts, the browser's refresh cookie, and the access tokens issued.
 * Tests override single endpoints with `server.use(...)` for the failures they are about.
 */
export function installApiDouble() {
  const accounts: Account[] = [
    { ...DEMO_USER, emailVerified: true },
    { ...DEMO_ADMIN, emailVerified: true },
  ];
  const tokens = new Map<string, string>();
  /** The account whose refresh cookie the browser holds, or null: there is no real cookie jar here. */
  let cookie: string | null = null;
  let issued = 0;
  const requests: SeenRequest[] = [];
  /** The emailed links by token: only the API and the mailbox know them. */
  const links = new Map<string, EmailLink>();
  /** Once set, a sensitive route takes only the tokens a re-authentication issued after it (RFC 9470). */
  let signInsAreOld = false;
  const recentTokens = new Set<string>();
  /** Accounts an admin disabled, by id. */
  const disabled = new Set<string>();
  /** Each account's security events, newest first. */
  const activity = new Map<string, ActivityEvent[]>();
  /** The links mailed to an address, oldest first. */
  const mailbox: { to: string; token: string }[] = [];
  /** Every API token made, newest first. Revoked ones stay here, unlisted; a secret is answered once and never kept. */
  const apiTokens: StoredApiToken[] = [];
  /** Each account's authenticator app, confirmed (enrolledAt set) or pending. */
  const totps = new Map<string, Totp>();
  /** The challenges of sign-ins waiting for their second step, by challenge. */
  const signInChallenges = new Map<string, SignInChallenge>();
  /** The access tokens of sign-ins and re-authentications that used the second factor (`acr` mfa). */
  const mfaTokens = new Set<string>();
  /** REQUIRE_MFA_FOR_ADMIN: every admin route wants a sign-in with the second factor (requirement 17.16). */
  let mfaForAdmins = false;
  /** Every account's passkeys, oldest first. */
  const passkeys: StoredPasskey[] = [];
  /** Passkey ceremonies by id. */
  const ceremonies = new Map<string, PasskeyCeremony>();

  // The session's user (login, refresh) is the public view; /api/me and the admin list add the account's own state.
  const publicUser = ({ id, email, name, role }: Account): User => ({ id, email, name, role });
  const ownView = (account: Account) => ({ ...publicUser(account), emailVerified: account.emailVerified });
  const find = (id: string | null) => accounts.find((a) => a.id === id) ?? null;
  const adminView = (account: Account): AdminUser => ({
    ...ownView(account),
    createdAt: '2025-01-01T10:00:00.000Z',
    disabled: disabled.has(account.id),
  });
  const endSessionsOf = (account: Account) => {
    for (const [token, owner] of tokens) if (owner === account.id) tokens.delete(token);
    if (cookie === account.id) cookie = null;
  };

  /** The confirmed authenticator app of the account, or null. */
  const enrolledTotp = (account: Account) => {
    const totp = totps.get(account.id);
    return totp?.enrolledAt ? totp : null;
  };
  /** The proofs the account can give at a second step (the `factors` of second_factor_required). */
  const factorsOf = (totp: Totp, account: Account): SecondFactor[] => [
    'totp',
    ...(totp.recoveryCodes.size > 0 ? (['recovery_code'] as const) : []),
    ...(passkeysOf(account.id).length > 0 ? (['passkey'] as const) : []),
  ];
  const passkeysOf = (accountId: string) => passkeys.filter((p) => p.ownerId === accountId);
  const passkeyInfo = ({ credentialId: _id, ownerId: _owner, ...info }: StoredPasskey): PasskeyInfo => info;
  const descriptorsOf = (accountId: string) =>
    passkeysOf(accountId).map((p) => ({ id: p.credentialId, type: 'public-key', transports: p.transports }));
  /** New options of a ceremony (requirement 18.1): its id, and the challenge its credential must answer. */
  function newCeremony(kind: PasskeyCeremony['kind'], accountId: string | null) {
    const n = ceremonies.size + 1;
    const ceremonyId = `ceremony-${n}`.padEnd(43, 'x');
    const challenge = toBase64Url(new TextEncoder().encode(`challenge-${n}`));
    ceremonies.set(ceremonyId, { kind, accountId, challenge, used: false, expired: false });
    return { ceremonyId, challenge };
  }
  /** Options for an assertion: any passkey of the site (a sign-in), or the account's. */
  function requestOptions(kind: PasskeyCeremony['kind'], account: Account | null) {
    const { ceremonyId, challenge } = newCeremony(kind, account?.id ?? null);
    const allowCredentials = account ? descriptorsOf(account.id) : [];
    const options = { rpId: 'localhost', challenge, allowCredentials, timeout: 300_000, userVerification: 'required' };
    return json({ ceremonyId, options }, 200, { 'Cache-Control': 'no-store' });
  }
  /**
   * The ceremony a credential answers (requirement 18.2: of this kind and account, used up by the
   * first try) and its client data (18.3: the type, the challenge, the page's origin); the refusal's
   * code, or null.
   */
  function checkCeremony(
    body: { ceremonyId?: unknown; response?: CredentialJson } | undefined,
    kind: PasskeyCeremony['kind'],
    accountId: string | null,
  ): 'passkey_challenge_invalid' | 'passkey_invalid' | null {
    const ceremony = ceremonies.get(String(body?.ceremonyId));
    if (!ceremony || ceremony.used || ceremony.expired || ceremony.kind !== kind || ceremony.accountId !== accountId)
      return 'passkey_challenge_invalid';
    ceremony.used = true;
    const clientData = JSON.parse(base64UrlText(body?.response?.response.clientDataJSON ?? '') || '{}') as Record<string, unknown>;
    const type = kind === 'registration' ? 'webauthn.create' : 'webauthn.get';
    const right =
      clientData.type === type && clientData.challenge === ceremony.challenge && clientData.origin === globalThis.location.origin;
    return right ? null : 'passkey_invalid';
  }
  /**
   * An assertion checked as the API checks it (requirement 18.10): the ceremony, then the passkey by
   * its credential id, its user handle, and for a second step or a re-authentication its account.
   */
  function checkPasskey(
    body: { ceremonyId?: unknown; response?: CredentialJson } | undefined,
    kind: PasskeyCeremony['kind'],
    accountId: string | null,
  ): StoredPasskey | 'passkey_challenge_invalid' | 'passkey_invalid' | 'passkey_unknown' {
    const refused = checkCeremony(body, kind, accountId);
    if (refused) return refused;
    const response = body?.response;
    const passkey = passkeys.find((p) => p.credentialId === response?.id);
    if (!passkey) return 'passkey_unknown';
    const owner = find(passkey.ownerId);
    if (!owner || (response?.response.userHandle && response.response.userHandle !== userHandleOf(owner))) return 'passkey_invalid';
    if (accountId !== null && passkey.ownerId !== accountId) return 'passkey_invalid';
    passkey.lastUsedAt = new Date().toISOString();
    return passkey;
  }

  /** Checks a proof once, as the API does: a right code moves the app's step on, a recovery code is used up. */
  function acceptProof(totp: Totp, proof: { code?: string | undefined; recoveryCode?: string | undefined }): boolean {
    if (proof.code !== undefined && proof.code === totpCodeAt(totp.step)) {
      totp.step += 1;
      return true;
    }
    const recovery = proof.recoveryCode?.trim().toLowerCase();
    if (recovery !== undefined && totp.recoveryCodes.delete(recovery)) return true;
    return false;
  }
  function newRecoveryCodes(): Set<string> {
    const part = () =>
      Array.from(crypto.getRandomValues(new Uint8Array(4)), (byte) => 'abcdefghijklmnopqrstuvwxyz234567'[byte % 32]).join('');
    return new Set(Array.from({ length: RECOVERY_CODE_COUNT }, () => `${part()}-${part()}-${part()}`));
  }
  /** 401 second_factor_required with a new challenge, and no session (requirement 17.7). */
  function secondStepRequired(account: Account, totp: Totp) {
    const challenge = `challenge-${signInChallenges.size + 1}`.padEnd(43, 'c');
    signInChallenges.set(challenge, { accountId: account.id, used: false, attempts: 0, expired: false });
    return problem(401, 'second_factor_required', {
      detail: 'This account has a second factor: finish signing in with a code',
      extra: { challenge, factors: factorsOf(totp, account) },
    });
  }
  /** RFC 9470's challenge for a sign-in with the second factor (requirement 17.15). */
  const secondFactorChallenge = () => {
    const description = 'This needs a sign-in with a second factor';
    return problem(401, 'insufficient_user_authentication', {
      detail: description,
      headers: {
        'WWW-Authenticate': `${CHALLENGE}, error="insufficient_user_authentication", error_description="${description}", acr_values="${ACR_MFA}"`,
      },
    });
  };
  /**
   * The caller of a route that wants a recent sign-in with the second factor (removing it, new
   * recovery codes): 403 without a factor, 401 with acr_values when the token did not use it.
   */
  function mfaCaller(request: Request): Account | Response {
    const who = caller(request);
    if (who instanceof Response) return who;
    if (!enrolledTotp(who)) return problem(403, 'second_factor_not_enrolled', { detail: 'This account has no authenticator app' });
    const token = request.headers.get('Authorization')?.slice('Bearer '.length) ?? '';
    if (!mfaTokens.has(token) || (signInsAreOld && !recentTokens.has(token))) return secondFactorChallenge();
    return who;
  }

  const apiTokenInfo = ({ ownerId: _owner, revoked: _revoked, ...info }: StoredApiToken): ApiTokenInfo => info;
  const listedApiTokensOf = (accountId: string) => apiTokens.filter((t) => t.ownerId === accountId && !t.revoked);

  /** One page of `items` after the cursor `after` (the index where the page starts, as the API's cursors are opaque). */
  function pageOf<T>(items: T[], after: string | null): { items: T[]; nextCursor: string | null } {
    const start = after === null ? 0 : Number(after.replace('cursor-', ''));
    const end = start + PAGE_SIZE;
    return { items: items.slice(start, end), nextCursor: end < items.length ? `cursor-${end}` : null };
  }

  /** The caller, when it is an admin; else the API's 403 (or 401 for a token problem). */
  function adminCaller(request: Request, recent = false): Account | Response {
    const who = recent ? recentCaller(request) : caller(request);
    if (who instanceof Response) return who;
    if (who.role !== 'admin') {
      return problem(403, 'insufficient_scope', {
        headers: { 'WWW-Authenticate': `${CHALLENGE}, error="insufficient_scope", scope="admin"` },
      });
    }
    // REQUIRE_MFA_FOR_ADMIN, after the role: an admin must have used the second factor in this session.
    if (!mfaForAdmins) return who;
    if (!enrolledTotp(who))
      return problem(403, 'second_factor_not_enrolled', { detail: 'Admin routes need a second factor: add one first' });
    return mfaTokens.has(request.headers.get('Authorization')?.slice('Bearer '.length) ?? '') ? who : secondFactorChallenge();
  }

  function activityPage(accountId: string, request: Request) {
    const page = pageOf(activity.get(accountId) ?? [], new URL(request.url).searchParams.get('after'));
    return json({ events: page.items, nextCursor: page.nextCursor } satisfies ActivityResponse);
  }

  /** A new access token; `mfa`: its sign-in used the second factor (a refresh keeps that, as `amr` is kept). */
  function issueToken(account: Account, mfa = false): SessionResponse {
    issued += 1;
    const accessToken = `at-${issued}.${account.id}.signature`;
    tokens.set(accessToken, account.id);
    if (mfa) mfaTokens.add(accessToken);
    return { accessToken, tokenType: 'Bearer', expiresIn: 300, user: publicUser(account) };
  }

  /** Whether the browser's session signed in with the second factor. */
  let cookieMfa = false;
  function startSession(account: Account, status = 200, mfa = false) {
    cookie = account.id;
    cookieMfa = mfa;
    return json(issueToken(account, mfa), status, { 'Cache-Control': 'no-store' });
  }

  /** Requirement 5.2: every /auth/* POST carries X-Requested-With, or it is refused. */
  const isCsrfSafe = (request: Request) => request.headers.get('X-Requested-With') === 'XMLHttpRequest';
  const csrfRejected = () => problem(403, 'csrf_rejected');

  /** Applies an emailed link once, as the API does: the account it names, or the problem to answer with. */
  function applyLink(token: unknown, purpose: LinkPurpose): Account | Response {
    if (typeof token !== 'string' || !LINK_TOKEN.test(token)) {
      return problem(400, 'validation_failed', { errors: [{ path: 'token', message: 'must be a link token' }] });
    }
    const link = links.get(token);
    const account = link?.purpose === purpose ? find(link.accountId) : null;
    if (!link || !account) return problem(400, 'link_invalid');
    if (link.state === 'expired') return problem(400, 'link_expired');
    if (link.state === 'used') return problem(400, 'link_used');
    link.state = 'used';
    return account;
  }

  function caller(request: Request): Account | Response {
    const header = request.headers.get('Authorization');
    if (!header?.startsWith('Bearer ')) return problem(401, 'token_missing', { headers: { 'WWW-Authenticate': CHALLENGE } });
    const account = find(tokens.get(header.slice('Bearer '.length)) ?? null);
    return account ?? invalidToken('token_invalid');
  }

  /** The caller of a sensitive route: its sign-in must be recent, or 401 with RFC 9470's challenge. */
  function recentCaller(request: Request): Account | Response {
    const who = caller(request);
    if (who instanceof Response) return who;
    const token = request.headers.get('Authorization')?.slice('Bearer '.length) ?? '';
    if (!signInsAreOld || recentTokens.has(token)) return who;
    const description = 'This needs a sign-in within the last 600 seconds';
    return problem(401, 'insufficient_user_authentication', {
      detail: description,
      headers: {
        'WWW-Authenticate': `${CHALLENGE}, error="insufficient_user_authentication", error_description="${description}", max_age=600`,
      },
    });
  }

  const handlers = [
    // jsdom's XMLHttpRequest applies CORS for real: X-Requested-With and Authorization need a preflight.
    http.options(`${API_URL}/*`, () => {
      return new HttpResponse(null, {
        status: 204,
        headers: {
          ...corsHeaders(),
          'Access-Control-Allow-Methods': 'GET, POST, PATCH, PUT, DELETE',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Requested-With',
        },
      });
    }),
    http.post(api('/auth/refresh'), ({ request }) => {
      if (!isCsrfSafe(request)) return csrfRejected();
      const account = find(cookie);
      return account ? startSession(account, 200, cookieMfa) : problem(401, 'refresh_missing');
    }),
    http.post(api('/auth/login'), async ({ request }) => {
      if (!isCsrfSafe(request)) return csrfRejected();
      const body = (await request.json()) as Partial<LoginRequest>;
      const account = accounts.find((a) => a.email === body.email?.trim().toLowerCase());
      if (!account || account.password !== body.password) return problem(401, 'invalid_credentials');
      if (disabled.has(account.id)) return problem(403, 'account_disabled', { detail: 'This account is disabled; ask an administrator' });
      const totp = enrolledTotp(account);
      return totp ? secondStepRequired(account, totp) : startSession(account);
    }),
    // In the API's order: the body, the challenge (and its five attempts), the proof, then the session.
    http.post(api('/auth/login/second-factor'), async ({ request }) => {
      if (!isCsrfSafe(request)) return csrfRejected();
      const body = (await request.json()) as Partial<SecondFactorLoginRequest>;
      if (body.code !== undefined && !TOTP_CODE.test(body.code)) {
        return problem(400, 'validation_failed', {
          errors: [{ path: 'code', message: 'must be the 6 digits the authenticator app shows' }],
        });
      }
      const challenge = signInChallenges.get(String(body.challenge));
      const account = find(challenge?.accountId ?? null);
      const totp = account ? enrolledTotp(account) : null;
      if (!challenge || !account || !totp || challenge.used || challenge.expired || challenge.attempts >= 5) {
        return problem(401, 'second_factor_challenge_invalid', {
          detail: 'This sign-in expired or was used already; sign in with the password again',
        });
      }
      challenge.attempts += 1;
      if (body.passkey !== undefined) {
        const passkey = checkPasskey(body.passkey as never, 'second_step', account.id);
        if (typeof passkey === 'string') return problem(401, passkey, { detail: `The passkey was refused: ${passkey}` });
      } else if (!acceptProof(totp, body))
        return problem(401, 'second_factor_invalid', { detail: 'The code is wrong or was used already' });
      challenge.used = true;
      return startSession(account, 200, true);
    }),
    http.post(api('/auth/passkey/options'), ({ request }) => (isCsrfSafe(request) ? requestOptions('sign_in', null) : csrfRejected())),
    http.post(api('/auth/passkey'), async ({ request }) => {
      if (!isCsrfSafe(request)) return csrfRejected();
      const passkey = checkPasskey((await request.json()) as never, 'sign_in', null);
      if (typeof passkey === 'string') return problem(401, passkey, { detail: `The passkey was refused: ${passkey}` });
      const account = find(passkey.ownerId) as Account;
      if (disabled.has(account.id)) return problem(403, 'account_disabled', { detail: 'This account is disabled; ask an administrator' });
      return startSession(account, 200, true);
    }),
    http.post(api('/auth/login/second-factor/passkey-options'), async ({ request }) => {
      if (!isCsrfSafe(request)) return csrfRejected();
      const body = (await request.json()) as { challenge?: string };
      const challenge = signInChallenges.get(String(body.challenge));
      const account = find(challenge?.accountId ?? null);
      if (!challenge || !account || challenge.used || challenge.expired || challenge.attempts >= 5) {
        return problem(401, 'second_factor_challenge_invalid', {
          detail: 'This sign-in expired or was used already; sign in with the password again',
        });
      }
      if (passkeysOf(account.id).length === 0) return problem(403, 'second_factor_not_enrolled', { detail: 'This account has no passkey' });
      return requestOptions('second_step', account);
    }),
    http.get(api('/api/me/passkeys'), ({ request }) => {
      const who = caller(request);
      return who instanceof Response ? who : json({ passkeys: passkeysOf(who.id).map(passkeyInfo) });
    }),
    http.post(api('/api/me/passkeys/registration-options'), ({ request }) => {
      const who = recentCaller(request);
      if (who instanceof Response) return who;
      const { ceremonyId, challenge } = newCeremony('registration', who.id);
      const options = {
        challenge,
        rp: { name: 'spa-auth', id: 'localhost' },
        user: { id: userHandleOf(who), name: who.email, displayName: who.name },
        pubKeyCredParams: [-8, -7, -257].map((alg) => ({ alg, type: 'public-key' })),
        timeout: 300_000,
        attestation: 'none',
        excludeCredentials: descriptorsOf(who.id),
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
        extensions: { credProps: true },
        hints: [],
      };
      return json({ ceremonyId, options }, 200, { 'Cache-Control': 'no-store' });
    }),
    // The recent sign-in was asked for the options; the ceremony carries it (requirement 18.5).
    http.post(api('/api/me/passkeys'), async ({ request }) => {
      const who = caller(request);
      if (who instanceof Response) return who;
      const body = (await request.json()) as { ceremonyId?: string; response?: CredentialJson; name?: string };
      const refused = checkCeremony(body, 'registration', who.id);
      if (refused) return problem(400, refused, { detail: `The passkey was refused: ${refused}` });
      const credentialId = body.response?.id ?? '';
      if (passkeys.some((p) => p.credentialId === credentialId))
        return problem(409, 'passkey_already_registered', { detail: 'This passkey is registered already' });
      const passkey: StoredPasskey = {
        id: `pk-${passkeys.length + 1}`,
        name: body.name?.trim() || 'Passkey',
        createdAt: new Date().toISOString(),
        lastUsedAt: null,
        deviceType: 'multiDevice',
        backedUp: true,
        transports: body.response?.response.transports ?? [],
        credentialId,
        ownerId: who.id,
      };
      passkeys.push(passkey);
      return json({ passkey: passkeyInfo(passkey) }, 201);
    }),
    http.patch(api('/api/me/passkeys/:id'), async ({ request, params }) => {
      const who = caller(request);
      if (who instanceof Response) return who;
      const { name } = (await request.json()) as { name?: string };
      if (!name?.trim()) return problem(400, 'validation_failed', { errors: [{ path: 'name', message: 'must not be empty' }] });
      const passkey = passkeysOf(who.id).find((p) => p.id === params.id);
      if (!passkey) return problem(404, 'not_found', { detail: 'No such passkey' });
      passkey.name = name.trim();
      return json({ passkey: passkeyInfo(passkey) });
    }),
    http.delete(api('/api/me/passkeys/:id'), ({ request, params }) => {
      const who = recentCaller(request);
      if (who instanceof Response) return who;
      const passkey = passkeysOf(who.id).find((p) => p.id === params.id);
      if (!passkey) return problem(404, 'not_found', { detail: 'No such passkey' });
      passkeys.splice(passkeys.indexOf(passkey), 1);
      return noContent();
    }),
    http.post(api('/api/me/passkeys/reauthentication-options'), ({ request }) => {
      const who = caller(request);
      if (who instanceof Response) return who;
      if (passkeysOf(who.id).length === 0) return problem(403, 'second_factor_not_enrolled', { detail: 'This account has no passkey' });
      return requestOptions('reauthentication', who);
    }),
    http.get(api('/api/me/second-factor'), ({ request }) => {
      const who = caller(request);
      if (who instanceof Response) return who;
      const totp = totps.get(who.id);
      return json({
        totp: totp?.enrolledAt ? { enrolledAt: totp.enrolledAt } : null,
        totpPending: Boolean(totp && !totp.enrolledAt),
        recoveryCodesLeft: totp?.enrolledAt ? totp.recoveryCodes.size : 0,
      } satisfies SecondFactorStatusResponse);
    }),
    http.post(api('/api/me/totp'), ({ request }) => {
      const who = recentCaller(request);
      if (who instanceof Response) return who;
      if (enrolledTotp(who)) return problem(409, 'second_factor_already_enrolled', { detail: 'An authenticator app is set up already' });
      const secret = `JBSWY3DPEHPK3PXP${totps.size}`.padEnd(32, 'A');
      totps.set(who.id, { secret, step: 1, enrolledAt: null, recoveryCodes: new Set() });
      const otpauthUri = `otpauth://totp/spa-auth:${encodeURIComponent(who.email)}?secret=${secret}&issuer=spa-auth&algorithm=SHA1&digits=6&period=30`;
      return json({ secret, otpauthUri }, 201, { 'Cache-Control': 'no-store' });
    }),
    http.post(api('/api/me/totp/confirm'), async ({ request }) => {
      const who = caller(request);
      if (who instanceof Response) return who;
      const { code } = (await request.json()) as { code?: string };
      if (!code || !TOTP_CODE.test(code)) {
        return problem(400, 'validation_failed', {
          errors: [{ path: 'code', message: 'must be the 6 digits the authenticator app shows' }],
        });
      }
      const totp = totps.get(who.id);
      if (!totp || totp.enrolledAt)
        return problem(409, 'second_factor_not_enrolled', { detail: 'No authenticator app is waiting to be confirmed' });
      if (!acceptProof(totp, { code }))
        return problem(400, 'second_factor_invalid', { detail: 'The code is wrong: check the time of the device' });
      totp.enrolledAt = '2025-01-02T10:00:00.000Z';
      totp.recoveryCodes = newRecoveryCodes();
      return json({ recoveryCodes: [...totp.recoveryCodes] }, 200, { 'Cache-Control': 'no-store' });
    }),
    http.delete(api('/api/me/totp'), ({ request }) => {
      const who = mfaCaller(request);
      if (who instanceof Response) return who;
      totps.delete(who.id);
      return noContent();
    }),
    http.post(api('/api/me/recovery-codes'), ({ request }) => {
      const who = mfaCaller(request);
      if (who instanceof Response) return who;
      const totp = enrolledTotp(who) as Totp;
      totp.recoveryCodes = newRecoveryCodes();
      return json({ recoveryCodes: [...totp.recoveryCodes] }, 200, { 'Cache-Control': 'no-store' });
    }),
    http.post(api('/auth/register'), async ({ request }) => {
      if (!isCsrfSafe(request)) return csrfRejected();
      const body = (await request.json()) as RegisterRequest;
      const email = body.email.trim().toLowerCase();
      if (accounts.some((a) => a.email === email)) return problem(409, 'email_taken');
      const account: Account = {
        id: `u-${accounts.length + 1}`,
        email,
        name: body.name,
        role: 'user',
        password: body.password,
        emailVerified: false,
      };
      accounts.push(account);
      return startSession(account, 201);
    }),
    http.post(api('/auth/logout'), ({ request }) => {
      if (!isCsrfSafe(request)) return csrfRejected();
      cookie = null;
      return new HttpResponse(null, { status: 204, headers: corsHeaders() });
    }),
    http.get(api('/api/me'), ({ request }) => {
      const who = caller(request);
      return who instanceof Response ? who : json({ user: ownView(who) } satisfies MeResponse);
    }),
    http.post(api('/auth/verify-email'), async ({ request }) => {
      if (!isCsrfSafe(request)) return csrfRejected();
      const body = (await request.json()) as Partial<VerifyEmailRequest>;
      const account = applyLink(body.token, 'verify_email');
      if (account instanceof Response) return account;
      account.emailVerified = true;
      return noContent();
    }),
    http.post(api('/api/me/verification-email'), ({ request }) => {
      const who = caller(request);
      return who instanceof Response ? who : noContent(202);
    }),
    // 202 for every well-formed address, an account's or not: the answer must not tell which exist.
    http.post(api('/auth/password-reset'), async ({ request }) => {
      if (!isCsrfSafe(request)) return csrfRejected();
      const body = (await request.json()) as Partial<PasswordResetRequest>;
      if (!body.email?.includes('@')) {
        return problem(400, 'validation_failed', { errors: [{ path: 'email', message: 'must be a valid email address' }] });
      }
      return noContent(202);
    }),
    http.post(api('/auth/password-reset/confirm'), async ({ request }) => {
      if (!isCsrfSafe(request)) return csrfRejected();
      const body = (await request.json()) as Partial<PasswordResetConfirmRequest>;
      if ((body.newPassword ?? '').length < 12) {
        return problem(400, 'validation_failed', { errors: [{ path: 'newPassword', message: 'must be at least 12 characters' }] });
      }
      const account = applyLink(body.token, 'reset_password');
      if (account instanceof Response) return account;
      account.password = body.newPassword as string;
      // Every session of the account ends; the browser that reset is signed in afresh, after the second step if it has one.
      for (const [token, owner] of tokens) if (owner === account.id) tokens.delete(token);
      const totp = enrolledTotp(account);
      return totp ? secondStepRequired(account, totp) : startSession(account);
    }),
    http.post(api('/auth/reauthenticate'), async ({ request }) => {
      if (!isCsrfSafe(request)) return csrfRejected();
      const who = caller(request);
      if (who instanceof Response) return who;
      const body = (await request.json()) as Partial<ReauthenticateRequest>;
      // A passkey proves it alone, the second factor included (requirement 18.17).
      if (body.passkey !== undefined) {
        const passkey = checkPasskey(body.passkey as never, 'reauthentication', who.id);
        if (typeof passkey === 'string') return problem(400, passkey, { detail: `The passkey was refused: ${passkey}` });
        const session = issueToken(who, true);
        recentTokens.add(session.accessToken);
        cookieMfa = true;
        return json(session, 200, { 'Cache-Control': 'no-store' });
      }
      // An account with a second factor must give a proof: asked before the password is checked (requirement 17.14).
      const totp = enrolledTotp(who);
      if (totp && body.code === undefined && body.recoveryCode === undefined) {
        return problem(400, 'second_factor_required', {
          detail: 'Give a code of your second factor too',
          extra: { factors: factorsOf(totp, who) },
        });
      }
      if (body.password !== who.password) return problem(400, 'invalid_credentials', { detail: 'The password is wrong' });
      if (totp && !acceptProof(totp, body))
        return problem(400, 'second_factor_invalid', { detail: 'The code is wrong or was used already' });
      const session = issueToken(who, Boolean(totp));
      recentTokens.add(session.accessToken);
      if (totp) cookieMfa = true;
      return json(session, 200, { 'Cache-Control': 'no-store' });
    }),
    http.post(api('/api/sessions/revoke-others'), ({ request }) => {
      const who = recentCaller(request);
      return who instanceof Response ? who : noContent();
    }),
    http.delete(api('/api/me'), ({ request }) => {
      const who = recentCaller(request);
      if (who instanceof Response) return who;
      accounts.splice(accounts.indexOf(who), 1);
      for (const [token, owner] of tokens) if (owner === who.id) tokens.delete(token);
      if (cookie === who.id) cookie = null;
      return noContent();
    }),
    http.get(api('/api/sessions'), ({ request }) => {
      const who = caller(request);
      if (who instanceof Response) return who;
      const at = '2025-01-01T10:00:00.000Z';
      return json({
        sessions: [
          { id: 's-here', createdAt: at, lastUsedAt: at, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', current: true },
          { id: 's-phone', createdAt: at, lastUsedAt: at, userAgent: 'Mozilla/5.0 (iPhone) Safari/604.1', current: false },
        ],
      } satisfies SessionsResponse);
    }),
    http.get(api('/api/admin/users'), ({ request }) => {
      const who = adminCaller(request);
      if (who instanceof Response) return who;
      const query = new URL(request.url).searchParams;
      // The API's search: email or name containing the text, taken literally, any case.
      const search = query.get('search')?.trim().toLowerCase() ?? '';
      const found = accounts.filter((a) => a.email.includes(search) || a.name.toLowerCase().includes(search));
      const page = pageOf(found, query.get('after'));
      return json({ users: page.items.map(adminView), nextCursor: page.nextCursor } satisfies AdminUsersResponse);
    }),
    http.patch(api('/api/admin/users/:id'), async ({ request, params }) => {
      const who = adminCaller(request, true);
      if (who instanceof Response) return who;
      const change = (await request.json()) as UpdateUserAccessRequest;
      const target = find(String(params.id));
      if (!target) return problem(404, 'not_found', { detail: 'No such user' });
      const otherAdmins = accounts.filter((a) => a.role === 'admin' && a.id !== target.id && !disabled.has(a.id));
      const losesAdmin = target.role === 'admin' && (change.role === 'user' || change.disabled === true);
      if (target.id === who.id || (losesAdmin && otherAdmins.length === 0))
        return problem(409, 'admin_lockout', { detail: LOCKOUT_DETAIL });
      if (change.role !== undefined) target.role = change.role;
      if (change.disabled === true) disabled.add(target.id);
      if (change.disabled === false) disabled.delete(target.id);
      endSessionsOf(target);
      return json({ user: adminView(target) } satisfies { user: AdminUser });
    }),
    http.post(api('/api/admin/users/:id/sessions/revoke'), ({ request, params }) => {
      const who = adminCaller(request, true);
      if (who instanceof Response) return who;
      const target = find(String(params.id));
      if (!target) return problem(404, 'not_found', { detail: 'No such user' });
      endSessionsOf(target);
      return noContent();
    }),
    http.post(api('/api/admin/users/:id/tokens/revoke'), ({ request, params }) => {
      const who = adminCaller(request, true);
      if (who instanceof Response) return who;
      const target = find(String(params.id));
      if (!target) return problem(404, 'not_found', { detail: 'No such user' });
      for (const token of listedApiTokensOf(target.id)) token.revoked = true;
      return noContent();
    }),
    http.get(api('/api/tokens'), ({ request }) => {
      const who = caller(request);
      if (who instanceof Response) return who;
      return json({ tokens: listedApiTokensOf(who.id).map(apiTokenInfo) } satisfies ApiTokensResponse);
    }),
    // In the API's order: a recent sign-in (before the body is read), the body, the role's scopes, the limit.
    http.post(api('/api/tokens'), async ({ request }) => {
      const who = recentCaller(request);
      if (who instanceof Response) return who;
      const parsed = CreateApiTokenRequest.safeParse(await request.json());
      if (!parsed.success) {
        const errors = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
        return problem(400, 'validation_failed', { detail: 'The request body is not valid', errors });
      }
      const { name, scopes, expiresInDays } = parsed.data;
      const beyondRole = scopes.filter((scope) => !ROLE_SCOPES[who.role].includes(scope));
      if (beyondRole.length > 0) {
        const description = `Your role cannot grant ${beyondRole.join(', ')}`;
        return problem(403, 'insufficient_scope', {
          detail: description,
          headers: { 'WWW-Authenticate': `${CHALLENGE}, error="insufficient_scope", scope="${beyondRole.join(' ')}"` },
        });
      }
      const now = Date.now();
      if (listedApiTokensOf(who.id).filter((t) => Date.parse(t.expiresAt) > now).length >= MAX_API_TOKENS_PER_USER) {
        return problem(409, 'api_token_limit', {
          detail: `An account holds at most ${MAX_API_TOKENS_PER_USER} live API tokens; revoke one first`,
        });
      }
      const secret = newApiTokenSecret();
      const token: StoredApiToken = {
        id: `tok-${apiTokens.length + 1}`,
        name,
        scopes,
        prefix: secret.slice(0, API_TOKEN_PREFIX.length + 4),
        createdAt: new Date(now).toISOString(),
        expiresAt: new Date(now + expiresInDays * DAY_MS).toISOString(),
        lastUsedAt: null,
        lastUsedIp: null,
        ownerId: who.id,
        revoked: false,
      };
      apiTokens.unshift(token);
      return json({ token: apiTokenInfo(token), secret } satisfies CreatedApiTokenResponse, 201, { 'Cache-Control': 'no-store' });
    }),
    // Expired tokens are listed, so they can be revoked too; a revoked one, or another account's, is not there.
    http.delete(api('/api/tokens/:id'), ({ request, params }) => {
      const who = caller(request);
      if (who instanceof Response) return who;
      const token = listedApiTokensOf(who.id).find((t) => t.id === params.id);
      if (!token) return problem(404, 'not_found', { detail: 'No such API token' });
      token.revoked = true;
      return noContent();
    }),
    http.get(api('/api/admin/users/:id/activity'), ({ request, params }) => {
      const who = adminCaller(request);
      return who instanceof Response ? who : activityPage(String(params.id), request);
    }),
    http.get(api('/api/me/activity'), ({ request }) => {
      const who = caller(request);
      return who instanceof Response ? who : activityPage(who.id, request);
    }),
    // 202 whether or not another account has the address; only a free one gets a link.
    http.post(api('/api/me/email'), async ({ request }) => {
      const who = caller(request);
      if (who instanceof Response) return who;
      const body = (await request.json()) as ChangeEmailRequest;
      const newEmail = body.newEmail.trim().toLowerCase();
      if (!newEmail.includes('@')) {
        return problem(400, 'validation_failed', { errors: [{ path: 'newEmail', message: 'must be a valid email address' }] });
      }
      if (body.currentPassword !== who.password) return problem(400, 'invalid_credentials', { detail: 'The current password is wrong' });
      if (!accounts.some((a) => a.email === newEmail)) {
        const token = `change_email-${who.id}-${links.size}`.padEnd(43, 'x');
        links.set(token, { purpose: 'change_email', accountId: who.id, state: 'fresh', newEmail });
        mailbox.push({ to: newEmail, token });
      }
      return noContent(202);
    }),
    http.post(api('/auth/confirm-email-change'), async ({ request }) => {
      if (!isCsrfSafe(request)) return csrfRejected();
      const body = (await request.json()) as Partial<ConfirmEmailChangeRequest>;
      const newEmail = typeof body.token === 'string' ? links.get(body.token)?.newEmail : undefined;
      const account = applyLink(body.token, 'change_email');
      if (account instanceof Response) return account;
      if (!newEmail || accounts.some((a) => a.email === newEmail && a.id !== account.id)) {
        return problem(409, 'email_taken', { detail: 'Another account uses this address now' });
      }
      account.email = newEmail;
      account.emailVerified = true;
      return noContent();
    }),
  ];

  server.use(...handlers);
  // Every request, answered by these handlers or by a test's override, in the order they were sent.
  const record = ({ request }: { request: Request }) => {
    requests.push({ method: request.method, path: new URL(request.url).pathname, headers: request.headers });
  };
  server.events.on('request:start', record);
  onTestFinished(() => server.events.removeListener('request:start', record));

  return {
    /** Every request the app sent, in order. */
    requests,
    count: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path).length,
    /** The browser holds a refresh cookie for this user, as after an earlier visit: restore() succeeds. */
    giveCookie(user: { id: string }) {
      cookie = user.id;
    },
    /** A new account whose address is not confirmed yet, as registration makes it when mail is on. */
    addUnverifiedUser(): User & { password: string } {
      const account: Account = {
        id: `u-${accounts.length + 1}`,
        email: `new-${accounts.length + 1}@example.com`,
        name: 'New User',
        role: 'user',
        password: 'a-new-users-passphrase',
        emailVerified: false,
      };
      accounts.push(account);
      return { ...publicUser(account), password: account.password };
    },
    /** Whether the account's address is confirmed, as /api/me would say. */
    isVerified: (user: { id: string }) => find(user.id)?.emailVerified ?? false,
    /** The password the account has now. */
    passwordOf: (user: { id: string }) => find(user.id)?.password,
    /**
     * The token of a link the API mailed to `user`; the link is expired or used already when asked.
     * A change_email link makes `newEmail` the account's address.
     */
    mailLink(purpose: LinkPurpose, user: { id: string }, state: EmailLink['state'] = 'fresh', newEmail?: string): string {
      const token = `${purpose}-${user.id}-${links.size}`.padEnd(43, 'x');
      links.set(token, { purpose, accountId: user.id, state, ...(newEmail ? { newEmail } : {}) });
      return token;
    },
    /** The token of the newest link mailed to `email` by a change of email, if any. */
    linkSentTo: (email: string) => mailbox.filter((m) => m.to === email).at(-1)?.token,
    /** The account's address now. */
    emailOf: (user: { id: string }) => find(user.id)?.email,
    /** Whether an admin has disabled the account. */
    isDisabled: (user: { id: string }) => disabled.has(user.id),
    /** The account's role now. */
    roleOf: (user: { id: string }) => find(user.id)?.role,
    /** Records `count` events of `type` for the account, each newer than the last, the newest first in the log. */
    recordActivity(user: { id: string }, count: number, type: ActivityType = 'signed_in', detail: string | null = null) {
      const log = activity.get(user.id) ?? [];
      for (let i = 0; i < count; i += 1) {
        const n = log.length;
        log.unshift({
          id: `event-${user.id}-${n}`,
          type,
          occurredAt: new Date(Date.UTC(2025, 0, 1, 10, 0, n)).toISOString(),
          ip: `192.0.2.${n % 250}`,
          userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
          detail,
        });
      }
      activity.set(user.id, log);
    },
    /** Whether an account has this address. */
    hasAccount: (email: string) => accounts.some((a) => a.email === email),
    /**
     * Every sign-in so far is older than the API's REAUTH_MAX_AGE: the sensitive routes answer 401
     * insufficient_user_authentication until the password is confirmed again.
     */
    ageSignIns() {
      signInsAreOld = true;
    },
    /**
     * An API token of the account, as if made earlier (by this page or another browser), newest
     * first in the list; its secret is not known to anyone. Returns what its owner's list shows.
     */
    addApiToken(user: { id: string }, token: Partial<Omit<ApiTokenInfo, 'id'>> = {}): ApiTokenInfo {
      const stored: StoredApiToken = {
        id: `tok-${apiTokens.length + 1}`,
        name: 'deploy script',
        scopes: ['profile:read'],
        prefix: `${API_TOKEN_PREFIX}Ab3x`,
        createdAt: '2025-01-01T10:00:00.000Z',
        expiresAt: '2099-01-01T10:00:00.000Z',
        lastUsedAt: null,
        lastUsedIp: null,
        ...token,
        ownerId: user.id,
        revoked: false,
      };
      apiTokens.unshift(stored);
      return apiTokenInfo(stored);
    },
    /** The account's tokens that are not revoked (expired ones included), newest first, as GET /api/tokens lists them. */
    apiTokensOf: (user: { id: string }) => listedApiTokensOf(user.id).map(apiTokenInfo),
    /** The account an access token was issued to, while it is live; what a service that accepts the API's tokens asks. */
    ownerOfToken: (accessToken: string): string | null => tokens.get(accessToken) ?? null,
    /** Forgets every access token, as a revocation does: the next protected call gets 401 invalid_token. */
    revokeAccessTokens() {
      tokens.clear();
    },
    /**
     * The account has an authenticator app, confirmed earlier (in another browser); the browser's
     * session, if any, did not use it. Returns its recovery codes, as the user saved them.
     */
    enrolTotp(user: { id: string }): string[] {
      const recoveryCodes = newRecoveryCodes();
      totps.set(user.id, { secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', step: 1, enrolledAt: '2025-01-02T10:00:00.000Z', recoveryCodes });
      return [...recoveryCodes];
    },
    /** The code the account's authenticator app shows now; it works once, then the app shows the next. */
    totpCodeOf: (user: { id: string }) => totpCodeAt(totps.get(user.id)?.step ?? 0),
    /** The secret of the account's app, confirmed or pending, as the API answered it. */
    totpSecretOf: (user: { id: string }) => totps.get(user.id)?.secret,
    /** Whether the account has a confirmed authenticator app. */
    hasTotp: (user: { id: string }) => Boolean(totps.get(user.id)?.enrolledAt),
    /** The recovery codes the account has left. */
    recoveryCodesOf: (user: { id: string }) => [...(totps.get(user.id)?.recoveryCodes ?? [])],
    /** Every sign-in challenge waiting now is past its five minutes. */
    expireSignInChallenges() {
      for (const challenge of signInChallenges.values()) challenge.expired = true;
    },
    /**
     * The account has a passkey, registered earlier; `credentialId` is what its authenticator holds
     * (give the same to the authenticator double). Answers what the account's list shows.
     */
    registerPasskey(user: { id: string }, credentialId: string, info: Partial<Omit<PasskeyInfo, 'id'>> = {}): PasskeyInfo {
      const passkey: StoredPasskey = {
        id: `pk-${passkeys.length + 1}`,
        name: 'MacBook',
        createdAt: '2025-01-03T10:00:00.000Z',
        lastUsedAt: null,
        deviceType: 'singleDevice',
        backedUp: false,
        transports: ['internal'],
        ...info,
        credentialId,
        ownerId: user.id,
      };
      passkeys.push(passkey);
      return passkeyInfo(passkey);
    },
    /** The account's passkeys now, as its list shows them. */
    passkeysOf: (user: { id: string }) => passkeysOf(user.id).map(passkeyInfo),
    /** Every passkey ceremony whose options are out now is past its five minutes. */
    expirePasskeyCeremonies() {
      for (const ceremony of ceremonies.values()) ceremony.expired = true;
    },
    /** REQUIRE_MFA_FOR_ADMIN is on: every admin route wants a sign-in with the second factor. */
    requireMfaForAdmins() {
      mfaForAdmins = true;
    },
  };
}

/** A promise resolved from outside: holds an intercepted response until the test lets it go. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
