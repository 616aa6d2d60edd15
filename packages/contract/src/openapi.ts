/**
 * The API's OpenAPI 3.1 description, generated: the bodies are the schemas of index.ts turned into
 * JSON Schema by zod itself, and the table below says, per endpoint, what it needs and answers as
 * docs/spec.md does. The problems each endpoint can answer are its own (in the table) plus those of
 * every endpoint of its kind (the CSRF check of `POST /auth/*`, the bearer check of `/api/*`, a JSON
 * body, ...), added by one function rather than repeated per row.
 *
 * The API serves the document at `GET /openapi.json`; its tests check every response they get
 * against it, and that each `/api` route's scope here is the one the route declares.
 *
 * @example
 * ```ts
 * import { createOpenApiDocument } from '@spa-auth/contract/openapi';
 * writeFileSync('openapi.json', JSON.stringify(createOpenApiDocument()));
 * ```
 */
import * as z from 'zod/mini';
import {
  ActivityEvent,
  ActivityResponse,
  ActivityType,
  AdminUser,
  AdminUsersResponse,
  API_TOKEN_PREFIX,
  ApiTokenInfo,
  ApiTokensResponse,
  ChangeEmailRequest,
  ChangePasswordRequest,
  ConfirmTotpRequest,
  CreateApiTokenRequest,
  CreatedApiTokenResponse,
  CreatedServiceClientResponse,
  CreateServiceClientRequest,
  CSRF_HEADER,
  type ErrorCode,
  IntrospectionResponse,
  LoginRequest,
  Me,
  MeResponse,
  OAuthError,
  PasskeyAssertion,
  PasskeyAssertionCredential,
  PasskeyAuthenticationOptionsResponse,
  PasskeyCreationOptions,
  PasskeyDescriptor,
  PasskeyInfo,
  PasskeyRegistrationCredential,
  PasskeyRegistrationOptionsResponse,
  PasskeyRequestOptions,
  PasskeyResponse,
  PasskeysResponse,
  PasswordResetConfirmRequest,
  PasswordResetRequest,
  Problem,
  REFRESH_COOKIE,
  ReauthenticateRequest,
  RecoveryCodesResponse,
  RegisterPasskeyRequest,
  RegisterRequest,
  RenamePasskeyRequest,
  Role,
  Scope,
  SecondFactorKind,
  SecondFactorLoginRequest,
  SecondFactorStatusResponse,
  SecondStepPasskeyOptionsRequest,
  ServiceClientInfo,
  ServiceClientsResponse,
  ServiceTokenResponse,
  SessionInfo,
  SessionResponse,
  SessionsResponse,
  TotpEnrollmentResponse,
  UpdateMeRequest,
  UpdateUserAccessRequest,
  User,
  VerifyEmailRequest,
} from './index.ts';

/** `GET /healthz`: the process answers (requirement 6.12). */
export const HealthResponse = z.object({ status: z.literal('ok') });
/** `GET /readyz`: the database answers (requirement 6.13). */
export const ReadinessResponse = z.object({ status: z.literal('ready') });
/** `GET /.well-known/jwks.json`: the public keys that verify access tokens (requirement 4.3). */
export const JsonWebKeySet = z.object({
  keys: z.array(
    z.object({
      kty: z.literal('EC'),
      crv: z.literal('P-256'),
      x: z.string(),
      y: z.string(),
      kid: z.string(),
      alg: z.literal('ES256'),
      use: z.literal('sig'),
    }),
  ),
});
/** The answer of `PATCH /api/admin/users/:id`: the admin's view of the account after the change. */
export const AdminUserResponse = z.object({ user: AdminUser });

export type JsonSchema = { [keyword: string]: unknown };
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Reference = { $ref: string };
export type OpenApiHeader = { description: string; required?: boolean; schema: JsonSchema };
export type OpenApiResponse = {
  description: string;
  headers?: Record<string, Reference | OpenApiHeader>;
  content?: Record<string, { schema: JsonSchema }>;
};
export type OpenApiParameter = {
  name: string;
  in: 'path' | 'query' | 'header';
  description: string;
  required: boolean;
  schema: JsonSchema;
};
/** A security requirement: scheme name to scopes (3.1 lets any scheme list the roles it needs). */
export type SecurityRequirement = Record<string, string[]>;
export type OpenApiOperation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: SecurityRequirement[];
  parameters?: Array<Reference | OpenApiParameter>;
  requestBody?: { required: true; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, OpenApiResponse>;
};
export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  servers?: Array<{ url: string; description?: string }>;
  tags: Array<{ name: string; description: string }>;
  paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
    parameters: Record<string, OpenApiParameter>;
    headers: Record<string, OpenApiHeader>;
  };
};

/** What an `/api` operation needs of an API token: a scope, or none will do (a person only). */
export type OperationAccess = { scope: Scope } | { person: true };

type Credential =
  | { kind: 'none' }
  /** The refresh cookie; `optional` when the route answers the same without one (logout). */
  | { kind: 'refresh-cookie'; optional?: boolean }
  /**
   * The bearer check; `recentSignIn` for the routes of requirement 11.3, `secondFactor` for those
   * that need that recent sign-in to have used the second factor (requirement 17.13).
   */
  | { kind: 'bearer'; access: OperationAccess; recentSignIn?: boolean; secondFactor?: boolean }
  /** A service client's id and secret in HTTP Basic (RFC 6749 2.3.1): POST /oauth/token. */
  | { kind: 'client-basic' }
  /** A service client's token from POST /oauth/token, scope introspect. */
  | { kind: 'service-token' };

type OAuthErrorCode = OAuthError['error'];

/** The response schemas, by component name; request bodies are named in REQUEST_SCHEMAS. */
const RESPONSE_SCHEMAS = {
  Problem,
  Role,
  Scope,
  User,
  SessionResponse,
  Me,
  MeResponse,
  SessionInfo,
  SessionsResponse,
  AdminUser,
  AdminUsersResponse,
  AdminUserResponse,
  ActivityType,
  ActivityEvent,
  ActivityResponse,
  ApiTokenInfo,
  ApiTokensResponse,
  CreatedApiTokenResponse,
  ServiceClientInfo,
  ServiceClientsResponse,
  CreatedServiceClientResponse,
  ServiceTokenResponse,
  OAuthError,
  IntrospectionResponse,
  SecondFactorKind,
  TotpEnrollmentResponse,
  RecoveryCodesResponse,
  SecondFactorStatusResponse,
  PasskeyDescriptor,
  PasskeyCreationOptions,
  PasskeyRequestOptions,
  PasskeyRegistrationOptionsResponse,
  PasskeyAuthenticationOptionsResponse,
  PasskeyInfo,
  PasskeyResponse,
  PasskeysResponse,
  HealthResponse,
  ReadinessResponse,
  JsonWebKeySet,
} as const;
type ResponseSchemaName = keyof typeof RESPONSE_SCHEMAS;

const REQUEST_SCHEMAS = {
  Role,
  Scope,
  RegisterRequest,
  LoginRequest,
  ReauthenticateRequest,
  UpdateMeRequest,
  ChangePasswordRequest,
  UpdateUserAccessRequest,
  CreateApiTokenRequest,
  CreateServiceClientRequest,
  SecondFactorLoginRequest,
  ConfirmTotpRequest,
  PasskeyRegistrationCredential,
  PasskeyAssertionCredential,
  PasskeyAssertion,
  RegisterPasskeyRequest,
  RenamePasskeyRequest,
  SecondStepPasskeyOptionsRequest,
  // The same schema for both emailed links (verification and change of address).
  EmailLinkRequest: VerifyEmailRequest,
  PasswordResetRequest,
  PasswordResetConfirmRequest,
  ChangeEmailRequest,
} as const;
type RequestSchemaName = keyof typeof REQUEST_SCHEMAS;

type OperationDefinition = {
  method: HttpMethod;
  /** OpenAPI's template: `{id}` where Express has `:id`. */
  path: string;
  operationId: string;
  tag: (typeof TAGS)[number]['name'];
  summary: string;
  description?: string;
  credential: Credential;
  body?: RequestSchemaName;
  /** An `application/x-www-form-urlencoded` body (the OAuth endpoints), as JSON Schema. */
  form?: JsonSchema;
  /** RFC 6749 5.2 errors (plain JSON `OAuthError`), by status, beside the problems. */
  oauthErrors?: Partial<Record<400 | 401, OAuthErrorCode[]>>;
  query?: OpenApiParameter[];
  /** What `{id}` names. */
  pathParameter?: string;
  success: {
    status: 200 | 201 | 202 | 204;
    description: string;
    schema?: ResponseSchemaName;
    /** A session body: a new refresh cookie (unless `cookie: false`) and no caching. */
    session?: { cookie: boolean };
    clearsCookie?: boolean;
    cacheControl?: string;
  };
  /** Problems of this endpoint itself, by status; those of its kind are added by problemsOf. */
  problems?: Partial<Record<number, ErrorCode[]>>;
  /** False for the few routes that answer without the database (no 503 from it). */
  database?: boolean;
};

const TAGS = [
  { name: 'session', description: 'Sign-up, sign-in, the refresh cookie and re-authentication (spec sections 5 and 11)' },
  { name: 'account', description: "The signed-in user's own account (spec section 6)" },
  { name: 'second-factor', description: 'A second factor: an authenticator app (TOTP) and recovery codes (spec section 17)' },
  {
    name: 'passkeys',
    description: 'Passkeys (WebAuthn): registering them, signing in with one and no email typed, and as the second step (spec section 18)',
  },
  { name: 'sessions', description: "The signed-in user's sessions (spec section 6)" },
  { name: 'email', description: 'Verifying the address, resetting a forgotten password, changing the address (spec section 10)' },
  { name: 'activity', description: 'The security activity log (spec section 12)' },
  { name: 'admin', description: 'Admin controls: role admin and a verified address (spec section 13)' },
  { name: 'api-tokens', description: 'API tokens for scripts and other programs (spec section 14)' },
  {
    name: 'service-clients',
    description: 'Service clients: the client credentials grant and token introspection for other services (spec section 15)',
  },
  { name: 'operations', description: 'Health, readiness, the signing keys and this document' },
] as const;

const after: OpenApiParameter = {
  name: 'after',
  in: 'query',
  description: 'The `nextCursor` of the previous page; the first page without it.',
  required: false,
  schema: { type: 'string' },
};
const search: OpenApiParameter = {
  name: 'search',
  in: 'query',
  description: 'Only accounts whose email address or name contains this text (case-insensitive).',
  required: false,
  schema: { type: 'string', maxLength: 100 },
};

type Route = `${Uppercase<HttpMethod>} /${string}`;

/**
 * A row of the table: the route as docs/spec.md writes it (`POST /auth/register`, with OpenAPI's
 * `{id}` where Express has `:id`), the operation's id and tag, then what else it has.
 */
function operation(
  route: Route,
  operationId: string,
  tag: OperationDefinition['tag'],
  rest: Omit<OperationDefinition, 'method' | 'path' | 'operationId' | 'tag'>,
): OperationDefinition {
  const [method, path] = route.split(' ') as [Uppercase<HttpMethod>, string];
  return { method: method.toLowerCase() as HttpMethod, path, operationId, tag, ...rest };
}

/** No credential. */
const anyone: Credential = { kind: 'none' };

/**
 * The bearer check; what an API token needs: a scope, or `person` when none will do (a person
 * signed in through the browser only).
 */
function bearer(access: Scope | 'person', also: { recentSignIn?: true; secondFactor?: true } = {}): Credential {
  return { kind: 'bearer', access: access === 'person' ? { person: true } : { scope: access }, ...also };
}

/** A session body that signs in: a new session and its refresh cookie. */
const signedIn = (status: 200 | 201) =>
  ({ status, description: 'Signed in: a new session', schema: 'SessionResponse', session: { cookie: true } }) as const;

const LINK_PROBLEMS: ErrorCode[] = ['link_invalid', 'link_expired', 'link_used'];

/** Every endpoint of docs/spec.md section 1, with what it needs and the problems of its own. */
const OPERATIONS: OperationDefinition[] = [
  operation('POST /auth/register', 'register', 'session', {
    summary: 'Create an account and sign in',
    credential: anyone,
    body: 'RegisterRequest',
    success: signedIn(201),
    problems: { 409: ['email_taken'], 503: ['service_unavailable'] },
  }),
  operation('POST /auth/login', 'login', 'session', {
    summary: 'Sign in with email and password',
    credential: anyone,
    body: 'LoginRequest',
    description:
      'With a second factor enrolled, the right password signs nobody in: 401 `second_factor_required` with `challenge` and `factors`, for `POST /auth/login/second-factor` (spec section 17).',
    success: signedIn(200),
    problems: { 401: ['invalid_credentials', 'second_factor_required'], 403: ['account_disabled'] },
  }),
  operation('POST /auth/login/second-factor', 'completeLoginWithSecondFactor', 'session', {
    summary: "Sign in's second step: the challenge of the first, and a code of the authenticator app, a recovery code or a passkey",
    description:
      'The challenge works once, for 5 minutes and 5 proofs. An unknown, used, expired or dead challenge is 401 `second_factor_challenge_invalid` (start again with the password); a wrong or used code is 401 `second_factor_invalid` (spec section 17). A `passkey` answers the options of `POST /auth/login/second-factor/passkey-options`; its refusals are the `passkey_*` codes (spec section 18).',
    credential: anyone,
    body: 'SecondFactorLoginRequest',
    success: signedIn(200),
    problems: {
      401: [
        'second_factor_challenge_invalid',
        'second_factor_invalid',
        'passkey_challenge_invalid',
        'passkey_invalid',
        'passkey_unknown',
        'passkey_cloned',
      ],
    },
  }),
  operation('POST /auth/login/second-factor/passkey-options', 'startSecondStepPasskey', 'passkeys', {
    summary: 'Passkey options for the second step of a sign-in: the account\u2019s passkeys, a new challenge',
    description:
      'For the `challenge` of a first step that listed `passkey` among its `factors`. The ceremony works once, for 5 minutes, for this account only; send its `ceremonyId` and the assertion as the second step\u2019s `passkey` (spec section 18).',
    credential: anyone,
    body: 'SecondStepPasskeyOptionsRequest',
    success: { status: 200, description: 'The ceremony and its options', schema: 'PasskeyAuthenticationOptionsResponse' },
    problems: { 401: ['second_factor_challenge_invalid'], 403: ['second_factor_not_enrolled'] },
  }),
  operation('POST /auth/passkey/options', 'startPasskeySignIn', 'passkeys', {
    summary: 'Options for a sign-in with a passkey and no email typed (also for autofill)',
    description:
      '`allowCredentials` is empty: the browser offers every passkey it holds for this site, in a dialog or through autofill (conditional mediation). The ceremony works once, for 5 minutes (spec section 18).',
    credential: anyone,
    success: { status: 200, description: 'The ceremony and its options', schema: 'PasskeyAuthenticationOptionsResponse' },
  }),
  operation('POST /auth/passkey', 'signInWithPasskey', 'passkeys', {
    summary: 'Sign in with a passkey: the ceremony of `POST /auth/passkey/options` and the assertion',
    description:
      'A session as login starts one, whose token says `amr` `["hwk", "mfa"]` (a device-bound passkey) or `["swk", "mfa"]` (a synced one) and `acr` `urn:spa-auth:acr:mfa`. Failures count per IP (spec section 18).',
    credential: anyone,
    body: 'PasskeyAssertion',
    success: signedIn(200),
    problems: {
      401: ['passkey_challenge_invalid', 'passkey_invalid', 'passkey_unknown', 'passkey_cloned'],
      403: ['account_disabled'],
    },
  }),
  operation('POST /auth/refresh', 'refresh', 'session', {
    summary: 'Rotate the refresh cookie and get a new access token',
    description:
      'Any body is ignored. Every 401 but `refresh_conflict` clears the cookie; a 429 (per session) keeps it (spec section 5.3).',
    credential: { kind: 'refresh-cookie' },
    success: { status: 200, description: 'A new access token; the cookie rotated', schema: 'SessionResponse', session: { cookie: true } },
    problems: {
      401: ['refresh_missing', 'refresh_invalid', 'refresh_expired', 'session_revoked', 'refresh_reused', 'refresh_conflict'],
    },
  }),
  operation('POST /auth/logout', 'logout', 'session', {
    summary: 'Sign out: end the sessions the cookies prove and clear the cookie',
    description: 'Answers 204 with no cookie or a bad one too, and is never rate limited.',
    credential: { kind: 'refresh-cookie', optional: true },
    success: { status: 204, description: 'Signed out; the cookie cleared', clearsCookie: true },
  }),
  operation('POST /auth/reauthenticate', 'reauthenticate', 'session', {
    summary: 'Prove the password again (step-up, RFC 9470)',
    description:
      'The session body of the same session with a fresh `auth_time`, and no cookie. A wrong password, or a session that ended meanwhile, is 400 `invalid_credentials` (spec section 11). An account with a second factor sends a `code` or `recoveryCode` too (else 400 `second_factor_required`; a wrong one is 400 `second_factor_invalid`), and the token\u2019s `amr` says so (spec section 17). Or `{ passkey }` alone, with options from `POST /api/me/passkeys/reauthentication-options`: `amr` `hwk` or `swk` with `mfa` (spec section 18).',
    credential: bearer('person'),
    body: 'ReauthenticateRequest',
    success: {
      status: 200,
      description: 'A fresh access token for the same session',
      schema: 'SessionResponse',
      session: { cookie: false },
    },
    problems: {
      400: [
        'invalid_credentials',
        'second_factor_required',
        'second_factor_invalid',
        'passkey_challenge_invalid',
        'passkey_invalid',
        'passkey_unknown',
        'passkey_cloned',
      ],
      503: ['service_unavailable'],
    },
  }),
  operation('GET /api/me', 'getMe', 'account', {
    summary: 'The signed-in user',
    credential: bearer('profile:read'),
    success: { status: 200, description: 'The user, with whether the address is verified', schema: 'MeResponse' },
  }),
  operation('PATCH /api/me', 'updateMe', 'account', {
    summary: "Change the signed-in user's name",
    credential: bearer('profile:write'),
    body: 'UpdateMeRequest',
    success: { status: 200, description: 'The user with the new name', schema: 'MeResponse' },
  }),
  operation('DELETE /api/me', 'deleteMe', 'account', {
    summary: 'Delete the account and everything of it',
    credential: bearer('person', { recentSignIn: true }),
    success: { status: 204, description: 'Deleted; the cookie cleared', clearsCookie: true },
    problems: { 409: ['admin_lockout'] },
  }),
  operation('GET /api/me/second-factor', 'getSecondFactor', 'second-factor', {
    summary: 'Which second factor the account has, and how many recovery codes are left',
    credential: bearer('person'),
    success: { status: 200, description: 'The second factor', schema: 'SecondFactorStatusResponse' },
  }),
  operation('POST /api/me/totp', 'startTotpEnrollment', 'second-factor', {
    summary: 'Start enrolling an authenticator app: a new secret, pending until a first code confirms it',
    description: 'A new call replaces a pending enrolment. The secret is in this answer only.',
    credential: bearer('person', { recentSignIn: true }),
    success: { status: 201, description: 'The pending secret', schema: 'TotpEnrollmentResponse' },
    problems: { 409: ['second_factor_already_enrolled'] },
  }),
  operation('POST /api/me/totp/confirm', 'confirmTotpEnrollment', 'second-factor', {
    summary: 'Confirm the enrolment with a first code: the factor is on, and 10 recovery codes are shown once',
    credential: bearer('person'),
    body: 'ConfirmTotpRequest',
    success: { status: 200, description: 'The recovery codes, shown once', schema: 'RecoveryCodesResponse' },
    problems: { 400: ['second_factor_invalid'], 409: ['second_factor_not_enrolled'] },
  }),
  operation('DELETE /api/me/totp', 'removeTotp', 'second-factor', {
    summary: 'Turn the authenticator app off; the recovery codes go with it',
    credential: bearer('person', { recentSignIn: true, secondFactor: true }),
    success: { status: 204, description: 'Removed' },
    problems: { 403: ['second_factor_not_enrolled'] },
  }),
  operation('POST /api/me/recovery-codes', 'regenerateRecoveryCodes', 'second-factor', {
    summary: 'New recovery codes; the old ones stop working',
    credential: bearer('person', { recentSignIn: true, secondFactor: true }),
    success: { status: 200, description: 'The recovery codes, shown once', schema: 'RecoveryCodesResponse' },
    problems: { 403: ['second_factor_not_enrolled'] },
  }),
  operation('GET /api/me/passkeys', 'listPasskeys', 'passkeys', {
    summary: "The signed-in user's passkeys, oldest first",
    credential: bearer('person'),
    success: { status: 200, description: 'The passkeys, never a key', schema: 'PasskeysResponse' },
  }),
  operation('POST /api/me/passkeys/registration-options', 'startPasskeyRegistration', 'passkeys', {
    summary: 'Options for registering a passkey: a discoverable credential with user verification',
    description:
      'The account\u2019s passkeys are excluded, so an authenticator that holds one says so. The ceremony works once, for 5 minutes, for this account only (spec section 18).',
    credential: bearer('person', { recentSignIn: true }),
    success: { status: 200, description: 'The ceremony and its options', schema: 'PasskeyRegistrationOptionsResponse' },
    problems: { 409: ['passkey_limit'] },
  }),
  operation('POST /api/me/passkeys', 'registerPasskey', 'passkeys', {
    summary: 'Register a passkey: the ceremony of the registration options and the new credential',
    credential: bearer('person'),
    body: 'RegisterPasskeyRequest',
    success: { status: 201, description: 'The new passkey', schema: 'PasskeyResponse' },
    problems: { 400: ['passkey_challenge_invalid', 'passkey_invalid'], 409: ['passkey_limit', 'passkey_already_registered'] },
  }),
  operation('PATCH /api/me/passkeys/{id}', 'renamePasskey', 'passkeys', {
    summary: 'Rename one of the signed-in user\u2019s passkeys',
    pathParameter: 'The passkey',
    credential: bearer('person'),
    body: 'RenamePasskeyRequest',
    success: { status: 200, description: 'The passkey with its new name', schema: 'PasskeyResponse' },
    problems: { 404: ['not_found'] },
  }),
  operation('DELETE /api/me/passkeys/{id}', 'deletePasskey', 'passkeys', {
    summary: 'Remove one of the signed-in user\u2019s passkeys: it signs in no more',
    pathParameter: 'The passkey',
    credential: bearer('person', { recentSignIn: true }),
    success: { status: 204, description: 'Removed' },
    problems: { 404: ['not_found'] },
  }),
  operation('POST /api/me/passkeys/reauthentication-options', 'startPasskeyReauthentication', 'passkeys', {
    summary: 'Passkey options for a re-authentication (`POST /auth/reauthenticate` with `passkey`)',
    description: 'The account\u2019s passkeys; the ceremony works once, for 5 minutes, for this account only (spec section 18).',
    credential: bearer('person'),
    success: { status: 200, description: 'The ceremony and its options', schema: 'PasskeyAuthenticationOptionsResponse' },
    problems: { 403: ['second_factor_not_enrolled'] },
  }),
  operation('PUT /api/me/password', 'changePassword', 'account', {
    summary: 'Change the password; every other session ends',
    credential: bearer('person'),
    body: 'ChangePasswordRequest',
    success: { status: 204, description: 'Changed' },
    problems: { 400: ['invalid_credentials'], 503: ['service_unavailable'] },
  }),
  operation('GET /api/sessions', 'listSessions', 'sessions', {
    summary: "The signed-in user's live sessions",
    credential: bearer('sessions:read'),
    success: { status: 200, description: 'The live sessions; none is `current` for an API token', schema: 'SessionsResponse' },
  }),
  operation('DELETE /api/sessions/{id}', 'revokeSession', 'sessions', {
    summary: 'End one session (the caller\u2019s own included)',
    pathParameter: 'The session',
    credential: bearer('sessions:write', { recentSignIn: true }),
    success: { status: 204, description: 'Ended' },
    problems: { 404: ['not_found'] },
  }),
  operation('POST /api/sessions/revoke-others', 'revokeOtherSessions', 'sessions', {
    summary: 'End every other session of the user',
    credential: bearer('person', { recentSignIn: true }),
    success: { status: 204, description: 'Ended' },
  }),
  operation('GET /api/me/activity', 'getMyActivity', 'activity', {
    summary: "A page of the signed-in user's security activity, newest first",
    credential: bearer('activity:read'),
    query: [after],
    success: { status: 200, description: 'At most 50 events', schema: 'ActivityResponse' },
  }),
  operation('GET /api/admin/users', 'listUsers', 'admin', {
    summary: 'A page of every account, oldest first',
    credential: bearer('admin:read'),
    query: [search, after],
    success: { status: 200, description: 'At most 50 accounts', schema: 'AdminUsersResponse' },
  }),
  operation('PATCH /api/admin/users/{id}', 'updateUserAccess', 'admin', {
    summary: "Change an account's role, disable or enable it; its sessions end",
    pathParameter: 'The account',
    credential: bearer('admin:write', { recentSignIn: true }),
    body: 'UpdateUserAccessRequest',
    success: { status: 200, description: 'The account after the change', schema: 'AdminUserResponse' },
    problems: { 404: ['not_found'], 409: ['admin_lockout'] },
  }),
  operation('POST /api/admin/users/{id}/sessions/revoke', 'endUserSessions', 'admin', {
    summary: 'End every session of an account',
    pathParameter: 'The account',
    credential: bearer('admin:write', { recentSignIn: true }),
    success: { status: 204, description: 'Ended' },
    problems: { 404: ['not_found'] },
  }),
  operation('GET /api/admin/users/{id}/activity', 'getUserActivity', 'admin', {
    summary: "A page of an account's security activity, newest first",
    description: 'An unknown id gives no events.',
    pathParameter: 'The account',
    credential: bearer('admin:read'),
    query: [after],
    success: { status: 200, description: 'At most 50 events', schema: 'ActivityResponse' },
  }),
  operation('GET /api/tokens', 'listApiTokens', 'api-tokens', {
    summary: "The caller's API tokens not revoked, expired ones included, newest first",
    credential: bearer('person'),
    success: { status: 200, description: 'The tokens, never a secret', schema: 'ApiTokensResponse' },
  }),
  operation('POST /api/tokens', 'createApiToken', 'api-tokens', {
    summary: 'Make an API token',
    description: 'The only answer that ever holds the secret. A scope beyond the caller\u2019s role is 403 `insufficient_scope`.',
    credential: bearer('person', { recentSignIn: true }),
    body: 'CreateApiTokenRequest',
    success: { status: 201, description: 'The token and its secret', schema: 'CreatedApiTokenResponse' },
    problems: { 403: ['insufficient_scope'], 409: ['api_token_limit'] },
  }),
  operation('DELETE /api/tokens/{id}', 'revokeApiToken', 'api-tokens', {
    summary: 'Revoke one of the caller\u2019s API tokens',
    pathParameter: 'The API token',
    credential: bearer('person'),
    success: { status: 204, description: 'Revoked' },
    problems: { 404: ['not_found'] },
  }),
  operation('GET /api/admin/users/{id}/tokens', 'listUserApiTokens', 'admin', {
    summary: "An account's API tokens, as its owner sees them",
    pathParameter: 'The account',
    credential: bearer('person'),
    success: { status: 200, description: 'The tokens, never a secret', schema: 'ApiTokensResponse' },
    problems: { 404: ['not_found'] },
  }),
  operation('POST /api/admin/users/{id}/tokens/revoke', 'revokeUserApiTokens', 'admin', {
    summary: 'Revoke every API token of an account',
    pathParameter: 'The account',
    credential: bearer('person', { recentSignIn: true }),
    success: { status: 204, description: 'Revoked, whether or not there was one' },
    problems: { 404: ['not_found'] },
  }),
  operation('GET /api/admin/service-clients', 'listServiceClients', 'service-clients', {
    summary: 'The service clients not revoked, newest first',
    credential: bearer('admin:read'),
    success: { status: 200, description: 'The clients, never a secret', schema: 'ServiceClientsResponse' },
  }),
  operation('POST /api/admin/service-clients', 'createServiceClient', 'service-clients', {
    summary: 'Make a service client',
    description: 'The only answer that ever holds the client secret.',
    credential: bearer('person', { recentSignIn: true }),
    body: 'CreateServiceClientRequest',
    success: { status: 201, description: 'The client and its secret', schema: 'CreatedServiceClientResponse' },
  }),
  operation('DELETE /api/admin/service-clients/{id}', 'revokeServiceClient', 'service-clients', {
    summary: 'Revoke a service client: its tokens are refused from then on',
    pathParameter: 'The service client',
    credential: bearer('admin:write', { recentSignIn: true }),
    success: { status: 204, description: 'Revoked' },
    problems: { 404: ['not_found'] },
  }),
  operation('POST /oauth/token', 'issueServiceToken', 'service-clients', {
    summary: 'The client credentials grant (RFC 6749 4.4): a service token that may introspect',
    description:
      'Client authentication with HTTP Basic only. Errors of the grant are RFC 6749 5.2 JSON (`error`, `error_description`); failed client authentications are limited per IP (429).',
    credential: { kind: 'client-basic' },
    form: {
      type: 'object',
      required: ['grant_type'],
      properties: { grant_type: { const: 'client_credentials' }, scope: { const: 'introspect' } },
    },
    success: { status: 200, description: 'A service token', schema: 'ServiceTokenResponse' },
    oauthErrors: { 400: ['invalid_request', 'unsupported_grant_type', 'invalid_scope'], 401: ['invalid_client'] },
    problems: { 429: ['rate_limited'] },
  }),
  operation('POST /oauth/introspect', 'introspectToken', 'service-clients', {
    summary: 'Token introspection (RFC 7662): whether an access token is live, and its claims',
    description: 'Anything that is not a live access token (an API token included) is `{ "active": false }`.',
    credential: { kind: 'service-token' },
    form: {
      type: 'object',
      required: ['token'],
      properties: { token: { type: 'string' }, token_type_hint: { type: 'string' } },
    },
    success: { status: 200, description: 'The introspection', schema: 'IntrospectionResponse' },
    oauthErrors: { 400: ['invalid_request'] },
    problems: { 401: ['token_missing', 'token_invalid'], 429: ['rate_limited'] },
  }),
  operation('POST /auth/verify-email', 'verifyEmail', 'email', {
    summary: 'Verify the address an emailed link was sent to',
    credential: anyone,
    body: 'EmailLinkRequest',
    success: { status: 204, description: 'Verified' },
    problems: { 400: LINK_PROBLEMS },
  }),
  operation('POST /api/me/verification-email', 'resendVerificationEmail', 'email', {
    summary: 'Mail a new verification link',
    description: 'Sends one only if the address is unverified and mail is on; the answer is the same either way.',
    credential: bearer('person'),
    success: { status: 202, description: 'Accepted' },
  }),
  operation('POST /auth/password-reset', 'requestPasswordReset', 'email', {
    summary: 'Mail a password reset link',
    description: 'The same answer for every address, before the account is looked up.',
    credential: anyone,
    body: 'PasswordResetRequest',
    success: { status: 202, description: 'Accepted' },
  }),
  operation('POST /auth/password-reset/confirm', 'confirmPasswordReset', 'email', {
    summary: 'Set a new password with a reset link and sign in; every earlier session ends',
    credential: anyone,
    body: 'PasswordResetConfirmRequest',
    description:
      'With a second factor enrolled, the password is replaced but nobody is signed in: 401 `second_factor_required` with a challenge for `POST /auth/login/second-factor` (spec section 17).',
    success: signedIn(200),
    problems: { 400: LINK_PROBLEMS, 401: ['second_factor_required'], 503: ['service_unavailable'] },
  }),
  operation('POST /api/me/email', 'requestEmailChange', 'email', {
    summary: 'Mail a link to a new address, to make it the account\u2019s',
    credential: bearer('person'),
    body: 'ChangeEmailRequest',
    success: { status: 202, description: 'Accepted' },
    problems: { 400: ['invalid_credentials'], 503: ['service_unavailable'] },
  }),
  operation('POST /auth/confirm-email-change', 'confirmEmailChange', 'email', {
    summary: 'Make the new address the account\u2019s, with the link sent to it',
    credential: anyone,
    body: 'EmailLinkRequest',
    success: { status: 204, description: 'Changed' },
    problems: { 400: LINK_PROBLEMS, 409: ['email_taken'] },
  }),
  operation('GET /healthz', 'getHealth', 'operations', {
    summary: 'Liveness: answers without the database',
    credential: anyone,
    database: false,
    success: { status: 200, description: 'Alive', schema: 'HealthResponse' },
  }),
  operation('GET /readyz', 'getReadiness', 'operations', {
    summary: 'Readiness: the database answers',
    credential: anyone,
    success: { status: 200, description: 'Ready', schema: 'ReadinessResponse' },
  }),
  operation('GET /.well-known/jwks.json', 'getJwks', 'operations', {
    summary: 'The public keys that verify access tokens (JWK Set)',
    credential: anyone,
    database: false,
    success: { status: 200, description: 'The JWK Set', schema: 'JsonWebKeySet', cacheControl: 'public, max-age=300' },
  }),
  operation('GET /openapi.json', 'getOpenApiDocument', 'operations', {
    summary: 'This document',
    credential: anyone,
    database: false,
    success: { status: 200, description: 'The OpenAPI document', cacheControl: 'public, max-age=300' },
  }),
];

const REASONS: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Content too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

const BEARER_PROBLEMS: Array<[number, ErrorCode]> = [
  [401, 'token_missing'],
  [400, 'invalid_request'],
  [401, 'token_expired'],
  [401, 'token_invalid'],
  [401, 'session_revoked'],
  [401, 'token_revoked'],
];

/**
 * Every problem an operation can answer, by status: its own, and in the order the checks run
 * (docs/spec.md section 1, "errors any endpoint of a group may give"), those of its kind.
 */
function problemsOf(operation: OperationDefinition): Map<number, Set<ErrorCode>> {
  const problems = new Map<number, Set<ErrorCode>>();
  const add = (status: number, code: ErrorCode) => {
    const codes = problems.get(status) ?? new Set<ErrorCode>();
    codes.add(code);
    problems.set(status, codes);
  };
  const { credential, path } = operation;
  const authPost = path.startsWith('/auth/') && operation.method === 'post';
  if (authPost) add(403, 'csrf_rejected');
  if (authPost && path !== '/auth/logout') add(429, 'rate_limited');
  if (credential.kind === 'bearer') {
    for (const [status, code] of BEARER_PROBLEMS) add(status, code);
    // The per-token limit is counted on /api only (requirement 14.20).
    if (path.startsWith('/api/')) add(429, 'rate_limited');
    if (path.startsWith('/api/admin/')) {
      add(403, 'insufficient_scope');
      add(403, 'email_unverified');
      // With REQUIRE_MFA_FOR_ADMIN on (requirement 17.16).
      add(401, 'insufficient_user_authentication');
      add(403, 'second_factor_not_enrolled');
    }
    add(403, 'scope' in credential.access ? 'insufficient_scope' : 'api_token_not_allowed');
    if (credential.recentSignIn || credential.secondFactor) add(401, 'insufficient_user_authentication');
    // With REQUIRE_MFA_FOR_ADMIN on, an admin scope needs the second factor (requirement 17.17).
    if (operation.operationId === 'createApiToken') add(403, 'second_factor_not_enrolled');
  }
  if (operation.pathParameter) add(400, 'invalid_request');
  if (operation.body) {
    add(415, 'unsupported_media_type');
    add(400, 'malformed_json');
    add(413, 'payload_too_large');
    add(400, 'validation_failed');
  }
  if (operation.query) add(400, 'validation_failed');
  if (operation.form) {
    // The form parser's own refusals: an unsupported charset, a body too large, too many fields.
    add(415, 'unsupported_media_type');
    add(413, 'payload_too_large');
    add(400, 'malformed_json');
  }
  for (const [status, codes] of Object.entries(operation.problems ?? {})) {
    for (const code of codes ?? []) add(Number(status), code);
  }
  if (operation.database !== false) add(503, 'service_unavailable');
  add(500, 'internal_error');
  return problems;
}

const ref = (group: string, name: string): Reference => ({ $ref: `#/components/${group}/${name}` });
const schemaRef = (name: string): JsonSchema => ref('schemas', name);

/** Whether a request to `path` passes a window limit, and so carries RateLimit headers (requirement 7.6). */
const passesWindowLimit = (operation: OperationDefinition) =>
  (operation.path.startsWith('/auth/') && operation.path !== '/auth/logout') || operation.path.startsWith('/api/');

function securityOf(operation: OperationDefinition): SecurityRequirement[] {
  const { credential } = operation;
  if (credential.kind === 'none') return [];
  if (credential.kind === 'refresh-cookie') return credential.optional ? [{ refreshCookie: [] }, {}] : [{ refreshCookie: [] }];
  if (credential.kind === 'client-basic') return [{ serviceClient: [] }];
  if (credential.kind === 'service-token') return [{ serviceToken: ['introspect'] }];
  // A browser sign-in holds every scope of its role, so it is listed with the role the route needs;
  // an API token with the scope, and not at all on a route only a person may call.
  const accessToken = { accessToken: operation.path.startsWith('/api/admin/') ? ['admin'] : [] };
  return 'scope' in credential.access ? [accessToken, { apiToken: [credential.access.scope] }] : [accessToken];
}

function successOf(operation: OperationDefinition): OpenApiResponse {
  const { success } = operation;
  const headers: Record<string, Reference | OpenApiHeader> = {};
  if (success.session?.cookie) headers['Set-Cookie'] = ref('headers', 'SetRefreshCookie');
  if (success.clearsCookie) headers['Set-Cookie'] = ref('headers', 'ClearRefreshCookie');
  if (success.session || operation.path.startsWith('/api/') || operation.path.startsWith('/oauth/'))
    headers['Cache-Control'] = ref('headers', 'NoStore');
  if (success.cacheControl) {
    headers['Cache-Control'] = { description: 'May be cached a short while', required: true, schema: { const: success.cacheControl } };
  }
  if (passesWindowLimit(operation)) Object.assign(headers, rateLimitHeaders());
  const response: OpenApiResponse = { description: success.description };
  if (Object.keys(headers).length > 0) response.headers = headers;
  if (success.schema) response.content = { 'application/json': { schema: schemaRef(success.schema) } };
  else if (operation.operationId === 'getOpenApiDocument') {
    response.content = { 'application/json': { schema: { type: 'object', description: 'An OpenAPI 3.1 document' } } };
  }
  return response;
}

const rateLimitHeaders = () => ({ RateLimit: ref('headers', 'RateLimit'), 'RateLimit-Policy': ref('headers', 'RateLimitPolicy') });

function problemResponse(operation: OperationDefinition, status: number, codes: Set<ErrorCode>): OpenApiResponse {
  const headers: Record<string, Reference | OpenApiHeader> = { 'Cache-Control': ref('headers', 'NoStore') };
  if (status === 429) Object.assign(headers, { 'Retry-After': ref('headers', 'RetryAfterRequired') }, rateLimitHeaders());
  else if (passesWindowLimit(operation)) Object.assign(headers, rateLimitHeaders());
  if (status === 503 && operation.path !== '/readyz') headers['Retry-After'] = ref('headers', 'RetryAfter');
  if ((status === 401 || status === 403) && (operation.credential.kind === 'bearer' || operation.credential.kind === 'service-token')) {
    headers['WWW-Authenticate'] = ref('headers', 'WwwAuthenticate');
  }
  if (status === 401 && operation.path === '/auth/refresh') headers['Set-Cookie'] = ref('headers', 'ClearRefreshCookie');
  const list = [...codes];
  return {
    description: `${REASONS[status] ?? 'Error'}: ${list.map((code) => `\`${code}\``).join(', ')}`,
    headers,
    content: {
      'application/problem+json': {
        schema: { allOf: [schemaRef('Problem'), { properties: { code: { enum: list } } }] },
      },
    },
  };
}

function operationOf(operation: OperationDefinition): OpenApiOperation {
  const parameters: Array<Reference | OpenApiParameter> = [];
  if (operation.pathParameter) {
    parameters.push({ name: 'id', in: 'path', description: `${operation.pathParameter}'s id`, required: true, schema: { type: 'string' } });
  }
  parameters.push(...(operation.query ?? []));
  if (operation.path.startsWith('/auth/') && operation.method === 'post') parameters.push(ref('parameters', 'CsrfHeader'));

  const responses: Record<string, OpenApiResponse> = { [operation.success.status]: successOf(operation) };
  const problems = [...problemsOf(operation)].sort(([a], [b]) => a - b);
  for (const [status, codes] of problems) responses[status] = problemResponse(operation, status, codes);
  for (const [status, errors] of Object.entries(operation.oauthErrors ?? {})) {
    const list = errors ?? [];
    const content = { schema: { allOf: [schemaRef('OAuthError'), { properties: { error: { enum: list } } }] } };
    const named = list.map((error) => `\`${error}\``).join(', ');
    const existing = responses[status];
    if (existing) {
      existing.description = `${existing.description}; OAuth error ${named}`;
      existing.content = { ...existing.content, 'application/json': content };
    } else {
      const headers: Record<string, Reference | OpenApiHeader> = { 'Cache-Control': ref('headers', 'NoStore') };
      if (status === '401') {
        headers['WWW-Authenticate'] = { description: 'The Basic challenge (RFC 6749 5.2)', required: true, schema: { type: 'string' } };
      }
      responses[status] = {
        description: `${REASONS[Number(status)] ?? 'Error'}: OAuth error ${named}`,
        headers,
        content: { 'application/json': content },
      };
    }
  }

  const { credential } = operation;
  const needs: string[] = [];
  if (credential.kind === 'bearer') {
    if (operation.path.startsWith('/api/admin/')) needs.push('Role `admin` and a verified address.');
    needs.push(
      'scope' in credential.access
        ? `An API token needs the scope \`${credential.access.scope}\`.`
        : 'A person signed in through the browser: no API token, whatever its scopes.',
    );
    if (credential.recentSignIn && credential.secondFactor) {
      needs.push('A sign-in with the second factor within `REAUTH_MAX_AGE` (step-up, requirement 17.13).');
    } else if (credential.recentSignIn) {
      needs.push('A sign-in within `REAUTH_MAX_AGE`, for a browser sign-in (step-up, requirement 11.3).');
    }
    if (operation.path.startsWith('/api/admin/')) {
      needs.push('With `REQUIRE_MFA_FOR_ADMIN`, a browser sign-in that used the second factor (requirement 17.16).');
    }
  }
  const description = [operation.description, ...needs].filter(Boolean).join(' ');
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(description ? { description } : {}),
    tags: [operation.tag],
    security: securityOf(operation),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaRef(operation.body) } } } } : {}),
    ...(operation.form
      ? { requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: operation.form } } } }
      : {}),
    responses,
  };
}

/** JSON Schemas of the registered schemas, as components that refer to each other by `$ref`. */
function componentSchemas(schemas: Record<string, z.core.$ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { target: 'draft-2020-12', io, uri: (id) => `#/components/schemas/${id}` });
  // Each comes out as a document of its own; inside components, `$id` and `$schema` do not belong.
  return Object.fromEntries(
    Object.entries(generated.schemas).map(([id, { $id: _id, $schema: _schema, ...schema }]) => [id, schema as JsonSchema]),
  );
}

export type OpenApiOptions = {
  /** `info.version`, the version of the API described (default 0.1.0). */
  version?: string;
  /** Where the API is; without it, tools take the URL the document was fetched from. */
  servers?: Array<{ url: string; description?: string }>;
};

/**
 * The OpenAPI 3.1 document of the whole API. Pure: the same document for the same options, built
 * from the schemas each time (a few milliseconds), so build it once and keep it.
 */
export function createOpenApiDocument(options: OpenApiOptions = {}): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const operation of OPERATIONS) {
    paths[operation.path] = { ...paths[operation.path], [operation.method]: operationOf(operation) };
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'spa-auth API',
      version: options.version ?? '0.1.0',
      description:
        'Browser authentication with short-lived JWTs. Every error is RFC 9457 `application/problem+json` with a stable `code` ' +
        '(the `Problem` schema lists every code; each response lists the codes it can carry), but for the OAuth errors of ' +
        '`/oauth/*`, which are RFC 6749 JSON (`OAuthError`). `/auth/*` uses the refresh cookie ' +
        'and needs `X-Requested-With: XMLHttpRequest` on every POST; `/api/*` takes an access token or an API token in ' +
        '`Authorization: Bearer`. For an API token, the scope an operation needs is the one listed with `apiToken` in its ' +
        '`security`; an operation without `apiToken` there takes no API token. Generated from the zod schemas of ' +
        '`@spa-auth/contract`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    ...(options.servers ? { servers: options.servers } : {}),
    tags: TAGS.map((tag) => ({ ...tag })),
    paths,
    components: {
      schemas: { ...componentSchemas(REQUEST_SCHEMAS, 'input'), ...componentSchemas(RESPONSE_SCHEMAS, 'output') },
      securitySchemes: {
        accessToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'The access token of a browser sign-in: an ES256 JWT of a few minutes, from the session body. It holds every scope of its role; `admin` is listed where the role must be admin.',
        },
        apiToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: `${API_TOKEN_PREFIX}…`,
          description:
            'An API token (`spa_pat_` and 49 characters), sent like an access token. Each operation that takes one lists the scope it needs.',
        },
        serviceClient: {
          type: 'http',
          scheme: 'basic',
          description:
            "A service client's id and secret (RFC 6749 2.3.1: each form-urlencoded, then joined by a colon), for POST /oauth/token.",
        },
        serviceToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A service token from POST /oauth/token (scope `introspect`); never an access token of a person.',
        },
        refreshCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: REFRESH_COOKIE.name,
          description: `The opaque refresh token, HttpOnly, on Path=${REFRESH_COOKIE.path}, set by the session answers.`,
        },
      },
      parameters: {
        CsrfHeader: {
          name: CSRF_HEADER.name,
          in: 'header',
          description: 'Required on every POST under /auth (CSRF, requirement 5.2.1): without it, 403 `csrf_rejected`.',
          required: true,
          schema: { type: 'string', const: CSRF_HEADER.value },
        },
      },
      headers: {
        SetRefreshCookie: {
          description: `The refresh cookie: \`${REFRESH_COOKIE.name}=…; Path=${REFRESH_COOKIE.path}; HttpOnly; Secure; SameSite=Strict\` (requirement 5.1).`,
          required: true,
          schema: { type: 'string' },
        },
        ClearRefreshCookie: {
          description: `Clears the refresh cookie (\`${REFRESH_COOKIE.name}=; …; Expires=Thu, 01 Jan 1970 00:00:00 GMT\`).`,
          schema: { type: 'string' },
        },
        NoStore: {
          description: 'Never cached: per-user answers, tokens and errors (requirement 3.13, 5.2.17).',
          required: true,
          schema: { type: 'string', const: 'no-store' },
        },
        RateLimit: {
          description: 'Per limit passed: `"<policy>"; r=<remaining>; t=<seconds to reset>` (IETF draft 8, requirement 7.6).',
          schema: { type: 'string' },
        },
        RateLimitPolicy: {
          description: 'Per limit passed: `"<policy>"; q=<limit>; w=<window seconds>; pk=…`; an API token\u2019s is named `api-token`.',
          schema: { type: 'string' },
        },
        RetryAfterRequired: {
          description: 'Seconds to wait before trying again: the seconds left in the window, at least 1.',
          required: true,
          schema: { type: 'integer', minimum: 0 },
        },
        RetryAfter: {
          description: 'Seconds to wait before trying again: `5` for an unreachable database, `1` for a full password queue.',
          schema: { type: 'integer', minimum: 0 },
        },
        WwwAuthenticate: {
          description:
            'The RFC 6750 challenge, realm `spa-auth`: `error="invalid_token"`, `"insufficient_scope"` with `scope=`, or `"insufficient_user_authentication"` with `max_age=` and, when a second factor is wanted, `acr_values="urn:spa-auth:acr:mfa"` (RFC 9470; spec sections 4 and 17).',
          schema: { type: 'string' },
        },
      },
    },
  };
}
