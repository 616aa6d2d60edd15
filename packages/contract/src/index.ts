/**
 * The spa-auth contract as code: request and response schemas, their types, and the stable
 * problem codes. The API validates with these schemas and the web app parses with them, so a
 * request or response shape is defined exactly once.
 *
 * @example
 * ```ts
 * import { LoginRequest, SessionResponse } from '@spa-auth/contract';
 * const body = LoginRequest.parse({ email: 'demo@example.com', password: 'demo-password-1' });
 * ```
 */
// zod/mini: the same schemas at a fraction of the bundle size, which matters to the web app (it
// ships these schemas to the browser). The http-client checks the two responses it reads with
// plain code instead (its tests hold it to these schemas), and brings no zod at all.
import * as z from 'zod/mini';
import { API_TOKEN_LIFETIMES_DAYS, ERROR_CODES, SCOPES, SECOND_FACTORS } from './wire.ts';
import type * as Wire from './wire-types.ts';

export * from './wire.ts';

/** Emails are compared case-insensitively and trimmed (requirement 5.2), so they are stored normalized. */
export const Email = z.pipe(
  z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254, 'must be at most 254 characters')),
  z.email('must be a valid email address'),
);

/** 12 to 128 characters (requirement 5.2); no other composition rule, as NIST SP 800-63B advises. */
export const Password = z
  .string()
  .check(z.minLength(12, 'must be at least 12 characters'), z.maxLength(128, 'must be at most 128 characters'));

/** A display name: trimmed, 1 to 100 characters, no control characters (PostgreSQL text cannot hold NUL). */
export const Name = z.string().check(
  z.trim(),
  z.minLength(1, 'must not be empty'),
  z.maxLength(100, 'must be at most 100 characters'),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  z.refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'must not contain control characters'),
);

export const Role = z.enum(['user', 'admin']);
export type Role = z.infer<typeof Role>;

/** Unknown fields are refused rather than ignored, so a typo or a `role` smuggled into a body is seen. */
export const RegisterRequest = z.strictObject({ email: Email, password: Password, name: Name });
export type RegisterRequest = z.input<typeof RegisterRequest>;

/** Login only checks the password's type: a length rule here would tell an attacker the policy. */
export const LoginRequest = z.strictObject({
  email: Email,
  password: z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(1024, 'is too long')),
});
export type LoginRequest = z.input<typeof LoginRequest>;

export const UpdateMeRequest = z.strictObject({ name: Name });
export type UpdateMeRequest = z.input<typeof UpdateMeRequest>;

export const ChangePasswordRequest = z.strictObject({
  currentPassword: z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(1024, 'is too long')),
  newPassword: Password,
});
export type ChangePasswordRequest = z.input<typeof ChangePasswordRequest>;

/**
 * The secret of an emailed link (verification, password reset): 32 random bytes, base64url. It
 * travels in the link's fragment and then in a POST body, never in a URL the server sees.
 */
export const LinkToken = z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(128, 'is too long'));

export const VerifyEmailRequest = z.strictObject({ token: LinkToken });
export type VerifyEmailRequest = z.input<typeof VerifyEmailRequest>;

/** Any syntactically valid email: the answer is the same whether an account has it. */
export const PasswordResetRequest = z.strictObject({ email: Email });
export type PasswordResetRequest = z.input<typeof PasswordResetRequest>;

export const PasswordResetConfirmRequest = z.strictObject({ token: LinkToken, newPassword: Password });
export type PasswordResetConfirmRequest = z.input<typeof PasswordResetConfirmRequest>;

/** A new address for the signed-in user; the current password proves it is them. */
export const ChangeEmailRequest = z.strictObject({
  currentPassword: z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(1024, 'is too long')),
  newEmail: Email,
});
export type ChangeEmailRequest = z.input<typeof ChangeEmailRequest>;

/** The link sent to the new address: the same shape as a verification link's. */
export const ConfirmEmailChangeRequest = VerifyEmailRequest;
export type ConfirmEmailChangeRequest = VerifyEmailRequest;

/** A code of an authenticator app (RFC 6238): six digits. */
export const TotpCode = z.string().check(z.regex(/^[0-9]{6}$/, 'must be the 6 digits the authenticator app shows'));

/**
 * A recovery code as the user types it: `xxxx-xxxx-xxxx`; case, spaces and hyphens do not matter,
 * so any length up to 64 characters is taken and the server normalises it.
 */
export const RecoveryCode = z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(64, 'is too long'));

/** Base64url without padding, as WebAuthn's JSON forms write binary (RFC 4648 section 5). */
const Base64Url = (maxLength: number) =>
  z.string().check(z.maxLength(maxLength, 'is too long'), z.regex(/^[A-Za-z0-9_-]*$/, 'must be base64url'));

/**
 * The parts of a WebAuthn credential's JSON (`PublicKeyCredential.toJSON()`, or what
 * `@simplewebauthn/browser` returns) the server reads. Members not named here are the browser's and
 * are dropped rather than refused, so that a browser adding one breaks nothing; the body around the
 * credential still refuses unknown fields (requirement 3.15).
 */
const credentialBase = {
  /** The credential id (at most 1023 bytes). */
  id: z
    .string()
    .check(z.minLength(1, 'must not be empty'), z.maxLength(1400, 'is too long'), z.regex(/^[A-Za-z0-9_-]*$/, 'must be base64url')),
  rawId: z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(1400, 'is too long')),
  type: z.literal('public-key'),
  authenticatorAttachment: z.optional(z.nullable(z.enum(['platform', 'cross-platform']))),
  clientExtensionResults: z.optional(z.record(z.string(), z.unknown())),
};

/** What `navigator.credentials.create()` gave, as JSON: the new passkey, for `POST /api/me/passkeys`. */
export const PasskeyRegistrationCredential = z.object({
  ...credentialBase,
  response: z.object({
    clientDataJSON: Base64Url(4096),
    attestationObject: Base64Url(12_000),
    transports: z.optional(z.array(z.string().check(z.maxLength(32, 'is too long'))).check(z.maxLength(10, 'lists too many'))),
  }),
});
export type PasskeyRegistrationCredential = z.input<typeof PasskeyRegistrationCredential>;

/** What `navigator.credentials.get()` gave, as JSON: an assertion of a passkey, signed over the challenge. */
export const PasskeyAssertionCredential = z.object({
  ...credentialBase,
  response: z.object({
    clientDataJSON: Base64Url(4096),
    authenticatorData: Base64Url(4096),
    signature: Base64Url(2048),
    userHandle: z.optional(z.nullable(Base64Url(128))),
  }),
});
export type PasskeyAssertionCredential = z.input<typeof PasskeyAssertionCredential>;

/** The opaque id of a passkey ceremony: answered with its options, sent back with the credential. */
export const CeremonyId = z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(128, 'is too long'));

/**
 * A passkey's answer to the options of a ceremony: the ceremony's id and the assertion. The body of
 * `POST /auth/passkey` (a sign-in with no email typed), and the `passkey` of a second step or a
 * re-authentication.
 */
export const PasskeyAssertion = z.strictObject({ ceremonyId: CeremonyId, response: PasskeyAssertionCredential });
export type PasskeyAssertion = z.input<typeof PasskeyAssertion>;

type ProofFields = { code?: unknown; recoveryCode?: unknown; passkey?: unknown };
const proofsIn = (body: ProofFields) => [body.code, body.recoveryCode, body.passkey].filter((proof) => proof !== undefined).length;

/** At most one second-factor proof in a body: a code of the authenticator app, a recovery code or a passkey. */
const atMostOneProof = z.refine<ProofFields>((body) => proofsIn(body) <= 1, 'give one of code, recoveryCode or passkey, not more');

/**
 * Re-authentication before a sensitive action, for the account the bearer token names: the
 * password, and when the account has a second factor, a code of it (`code`) or a recovery code; or
 * a passkey alone (`passkey`, with options from `POST /api/me/passkeys/reauthentication-options`),
 * which proves the person on its own.
 */
export const ReauthenticateRequest = z
  .strictObject({
    password: z.optional(z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(1024, 'is too long'))),
    code: z.optional(TotpCode),
    recoveryCode: z.optional(RecoveryCode),
    passkey: z.optional(PasskeyAssertion),
  })
  .check(
    atMostOneProof,
    z.refine((body) => body.passkey !== undefined || body.password !== undefined, {
      message: 'must be given, unless a passkey is',
      path: ['password'],
    }),
    z.refine((body) => body.passkey === undefined || body.password === undefined, {
      message: 'a passkey proves it alone: send no password with it',
      path: ['password'],
    }),
  );
export type ReauthenticateRequest = z.input<typeof ReauthenticateRequest>;

/** The kinds of proof the second step of a sign-in takes (the `factors` of `second_factor_required`). */
export const SecondFactorKind = z.enum(SECOND_FACTORS);

/** The challenge of a sign-in's first step (`second_factor_required`), as the second step sends it back. */
export const SignInChallenge = z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(128, 'is too long'));

/**
 * The second step of a sign-in: the challenge the first step answered with, and one proof: a code of
 * the authenticator app, a recovery code, or a passkey's assertion (options from
 * `POST /auth/login/second-factor/passkey-options`).
 */
export const SecondFactorLoginRequest = z
  .strictObject({
    challenge: SignInChallenge,
    code: z.optional(TotpCode),
    recoveryCode: z.optional(RecoveryCode),
    passkey: z.optional(PasskeyAssertion),
  })
  .check(
    atMostOneProof,
    z.refine((body) => proofsIn(body) === 1, 'give a code, a recoveryCode or a passkey'),
  );
export type SecondFactorLoginRequest = z.input<typeof SecondFactorLoginRequest>;

/** A pending enrolment's secret: base32 to type in, and the otpauth:// URI a QR code carries. */
export const TotpEnrollmentResponse = z.object({ secret: z.string(), otpauthUri: z.string() });
export type TotpEnrollmentResponse = z.infer<typeof TotpEnrollmentResponse>;

/** The first code of the authenticator app, which makes the pending enrolment the account's factor. */
export const ConfirmTotpRequest = z.strictObject({ code: TotpCode });
export type ConfirmTotpRequest = z.input<typeof ConfirmTotpRequest>;

/** New recovery codes: shown in this answer and never again (the server keeps their SHA-256). */
export const RecoveryCodesResponse = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodesResponse = z.infer<typeof RecoveryCodesResponse>;

/** What second factor the account has: an authenticator app (and since when), a pending enrolment, recovery codes left. */
export const SecondFactorStatusResponse = z.object({
  totp: z.nullable(z.object({ enrolledAt: z.string() })),
  totpPending: z.boolean(),
  recoveryCodesLeft: z.number(),
});
export type SecondFactorStatusResponse = z.infer<typeof SecondFactorStatusResponse>;

/** `POST /auth/login/second-factor/passkey-options`: passkey options for the second step of this sign-in. */
export const SecondStepPasskeyOptionsRequest = z.strictObject({ challenge: SignInChallenge });
export type SecondStepPasskeyOptionsRequest = z.input<typeof SecondStepPasskeyOptionsRequest>;

/** `POST /api/me/passkeys`: the new passkey from the registration options' ceremony, and a name for it. */
export const RegisterPasskeyRequest = z.strictObject({
  ceremonyId: CeremonyId,
  response: PasskeyRegistrationCredential,
  /** What the owner calls it (`MacBook`, `YubiKey`); `Passkey` when left out. */
  name: z.optional(Name),
});
export type RegisterPasskeyRequest = z.input<typeof RegisterPasskeyRequest>;

/** `PATCH /api/me/passkeys/:id`: a new name. */
export const RenamePasskeyRequest = z.strictObject({ name: Name });
export type RenamePasskeyRequest = z.input<typeof RenamePasskeyRequest>;

/** A credential the options name: to leave out at registration, or to ask for at a user's assertion. */
export const PasskeyDescriptor = z.object({
  id: z.string(),
  type: z.literal('public-key'),
  transports: z.optional(z.array(z.string())),
});

/**
 * The options for `navigator.credentials.create()` in their JSON form (WebAuthn Level 3's
 * `PublicKeyCredentialCreationOptionsJSON`, which `PublicKeyCredential.parseCreationOptionsFromJSON()`
 * and `@simplewebauthn/browser`'s `startRegistration()` take): a discoverable credential with user
 * verification, no attestation, the account's passkeys excluded.
 */
export const PasskeyCreationOptions = z.object({
  challenge: z.string(),
  rp: z.object({ name: z.string(), id: z.string() }),
  /** `id` is the account's user handle (base64url), `name` its address, `displayName` its name. */
  user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
  pubKeyCredParams: z.array(z.object({ alg: z.number(), type: z.literal('public-key') })),
  timeout: z.number(),
  attestation: z.literal('none'),
  excludeCredentials: z.array(PasskeyDescriptor),
  authenticatorSelection: z.object({
    residentKey: z.literal('required'),
    requireResidentKey: z.literal(true),
    userVerification: z.literal('required'),
  }),
  extensions: z.object({ credProps: z.literal(true) }),
  hints: z.array(z.string()),
});

/**
 * The options for `navigator.credentials.get()` in their JSON form
 * (`PublicKeyCredentialRequestOptionsJSON`, for `parseRequestOptionsFromJSON()` or `startAuthentication()`):
 * `allowCredentials` is empty for a sign-in with no email typed (any passkey of this site, also through
 * autofill), and the account's passkeys for a second step or a re-authentication.
 */
export const PasskeyRequestOptions = z.object({
  rpId: z.string(),
  challenge: z.string(),
  allowCredentials: z.array(PasskeyDescriptor),
  timeout: z.number(),
  userVerification: z.literal('required'),
});

/** A registration ceremony: the id to send back with the new credential, and the options for the browser. */
export const PasskeyRegistrationOptionsResponse = z.object({ ceremonyId: z.string(), options: PasskeyCreationOptions });
export type PasskeyRegistrationOptionsResponse = z.infer<typeof PasskeyRegistrationOptionsResponse>;

/** An authentication ceremony: the id to send back with the assertion, and the options for the browser. */
export const PasskeyAuthenticationOptionsResponse = z.object({ ceremonyId: z.string(), options: PasskeyRequestOptions });
export type PasskeyAuthenticationOptionsResponse = z.infer<typeof PasskeyAuthenticationOptionsResponse>;

/**
 * A passkey as its owner sees it: never its key. `deviceType` is WebAuthn's backup eligibility:
 * `multiDevice` (a synced passkey, such as one in a password manager or a phone's keychain) or
 * `singleDevice` (bound to one authenticator, such as a security key); `backedUp` whether a
 * multi-device one is backed up now.
 */
export const PasskeyInfo = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.nullable(z.string()),
  deviceType: z.enum(['singleDevice', 'multiDevice']),
  backedUp: z.boolean(),
  transports: z.array(z.string()),
});
export type PasskeyInfo = z.infer<typeof PasskeyInfo>;

export const PasskeyResponse = z.object({ passkey: PasskeyInfo });
export type PasskeyResponse = z.infer<typeof PasskeyResponse>;

/** The account's passkeys, oldest first. */
export const PasskeysResponse = z.object({ passkeys: z.array(PasskeyInfo) });
export type PasskeysResponse = z.infer<typeof PasskeysResponse>;

export const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
});
export type User = z.infer<typeof User>;

/** The body of every successful login, register and refresh (requirement 5.2). */
export const SessionResponse = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  /** Seconds until the access token expires. */
  expiresIn: z.number(),
  user: User,
});
export type SessionResponse = z.infer<typeof SessionResponse>;

/** The signed-in user's own view: the session's user and whether the email is verified. */
export const Me = z.extend(User, { emailVerified: z.boolean() });
export type Me = z.infer<typeof Me>;

export const MeResponse = z.object({ user: Me });
export type MeResponse = z.infer<typeof MeResponse>;

export const SessionInfo = z.object({
  id: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  userAgent: z.nullable(z.string()),
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const SessionsResponse = z.object({ sessions: z.array(SessionInfo) });
export type SessionsResponse = z.infer<typeof SessionsResponse>;

export const AdminUser = z.extend(User, { createdAt: z.string(), emailVerified: z.boolean(), disabled: z.boolean() });
export type AdminUser = z.infer<typeof AdminUser>;

/** A page of users, oldest first; `nextCursor` (for `?after=`) is null on the last page. */
export const AdminUsersResponse = z.object({ users: z.array(AdminUser), nextCursor: z.nullable(z.string()) });

/** What an admin may change of an account: its role, whether it is disabled, or both. */
export const UpdateUserAccessRequest = z
  .strictObject({ role: z.optional(Role), disabled: z.optional(z.boolean()) })
  .check(z.refine((body) => body.role !== undefined || body.disabled !== undefined, 'must change role or disabled'));
export type UpdateUserAccessRequest = z.input<typeof UpdateUserAccessRequest>;
export type AdminUsersResponse = z.infer<typeof AdminUsersResponse>;

/** The kinds of security event the activity log keeps, newest kinds last. */
export const ActivityType = z.enum([
  'registered',
  'signed_in',
  'sign_in_failed',
  'password_changed',
  'password_reset',
  'email_changed',
  'sessions_revoked',
  'refresh_token_reused',
  'account_disabled',
  'account_enabled',
  'role_changed',
  'api_token_created',
  'api_token_used_from_new_ip',
  'api_token_revoked',
  'api_token_expired',
  'second_factor_enrolled',
  'second_factor_removed',
  'recovery_codes_regenerated',
  'second_factor_used',
  'second_factor_failed',
  'passkey_added',
  'passkey_renamed',
  'passkey_removed',
  'passkey_failed',
  'passkey_cloned',
]);
export type ActivityType = z.infer<typeof ActivityType>;

/** One event of an account's security activity log; `detail` is short and never secret. */
export const ActivityEvent = z.object({
  id: z.string(),
  type: ActivityType,
  occurredAt: z.string(),
  ip: z.nullable(z.string()),
  userAgent: z.nullable(z.string()),
  detail: z.nullable(z.string()),
});
export type ActivityEvent = z.infer<typeof ActivityEvent>;

/** A page of the log, newest first; `nextCursor` (for `?after=`) is null on the last page. */
export const ActivityResponse = z.object({ events: z.array(ActivityEvent), nextCursor: z.nullable(z.string()) });
export type ActivityResponse = z.infer<typeof ActivityResponse>;

export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

/** POST /api/tokens: a name to know it by, at least one scope, and a lifetime (required). */
export const CreateApiTokenRequest = z.strictObject({
  name: Name,
  scopes: z.array(Scope).check(
    z.minLength(1, 'must name at least one scope'),
    z.refine((scopes) => new Set(scopes).size === scopes.length, 'must not repeat a scope'),
  ),
  expiresInDays: z.union(API_TOKEN_LIFETIMES_DAYS.map((days) => z.literal(days))),
});
export type CreateApiTokenRequest = z.input<typeof CreateApiTokenRequest>;

/** A token as its owner sees it after creation: never the secret, only its first characters. */
export const ApiTokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(Scope),
  /** The prefix and the first four random characters, to recognise the token by (`spa_pat_Ab3x`). */
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.nullable(z.string()),
  lastUsedIp: z.nullable(z.string()),
});
export type ApiTokenInfo = z.infer<typeof ApiTokenInfo>;

/** The account's live and expired tokens, newest first (revoked ones are gone). */
export const ApiTokensResponse = z.object({ tokens: z.array(ApiTokenInfo) });
export type ApiTokensResponse = z.infer<typeof ApiTokensResponse>;

/** The answer to POST /api/tokens: the only time the secret is ever shown. */
export const CreatedApiTokenResponse = z.object({ token: ApiTokenInfo, secret: z.string() });
export type CreatedApiTokenResponse = z.infer<typeof CreatedApiTokenResponse>;

/** The prefix of a service client's secret (requirement 15.2); a secret scanner looks for it. */
export const SERVICE_CLIENT_SECRET_PREFIX = 'spa_cs_';

/** `POST /api/admin/service-clients`: a machine client that may introspect tokens (requirement 15.1). */
export const CreateServiceClientRequest = z.strictObject({ name: Name });
export type CreateServiceClientRequest = z.input<typeof CreateServiceClientRequest>;

/** A service client as an admin sees it: never its secret. `id` is its OAuth `client_id`. */
export const ServiceClientInfo = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.nullable(z.string()),
});
export type ServiceClientInfo = z.infer<typeof ServiceClientInfo>;

export const ServiceClientsResponse = z.object({ clients: z.array(ServiceClientInfo) });
export type ServiceClientsResponse = z.infer<typeof ServiceClientsResponse>;

/** The answer of the creation, the only one that ever holds the secret. */
export const CreatedServiceClientResponse = z.object({ client: ServiceClientInfo, clientSecret: z.string() });
export type CreatedServiceClientResponse = z.infer<typeof CreatedServiceClientResponse>;

/** `POST /oauth/token`'s answer (RFC 6749 5.1): a short-lived token that may only introspect. */
export const ServiceTokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number(),
  scope: z.literal('introspect'),
});
export type ServiceTokenResponse = z.infer<typeof ServiceTokenResponse>;

/** The error body of the OAuth endpoints (RFC 6749 5.2), plain JSON as OAuth clients expect. */
export const OAuthError = z.object({
  error: z.enum(['invalid_request', 'invalid_client', 'invalid_grant', 'unsupported_grant_type', 'invalid_scope']),
  error_description: z.string(),
});
export type OAuthError = z.infer<typeof OAuthError>;

/** `POST /oauth/introspect`'s answer (RFC 7662 2.2): `{ active: false }` for anything not live. */
export const IntrospectionResponse = z.object({
  active: z.boolean(),
  sub: z.optional(z.string()),
  client_id: z.optional(z.string()),
  sid: z.optional(z.string()),
  scope: z.optional(z.string()),
  role: z.optional(Role),
  exp: z.optional(z.number()),
  iat: z.optional(z.number()),
  iss: z.optional(z.string()),
  aud: z.optional(z.union([z.string(), z.array(z.string())])),
  token_type: z.optional(z.literal('Bearer')),
  auth_time: z.optional(z.number()),
  amr: z.optional(z.array(z.string())),
  acr: z.optional(z.string()),
});
export type IntrospectionResponse = z.infer<typeof IntrospectionResponse>;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** RFC 9457 problem details, with the project's `code` and, for validation, `errors`. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  code: ErrorCode,
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  /** `second_factor_required` at sign-in: the single-use challenge the second step sends back. */
  challenge: z.optional(z.string()),
  /** `second_factor_required`: the proofs the account can give. */
  factors: z.optional(z.array(SecondFactorKind)),
});
export type Problem = z.infer<typeof Problem>;

// The plain wire types (wire-types.ts) are what clients without zod use; these fail the build the
// moment one of them and its schema's inferred type part ways, in either direction.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Holds<T extends true> = T;
export type WireTypesMatchTheSchemas = [
  Holds<Same<Wire.ErrorCode, ErrorCode>>,
  Holds<Same<Wire.Role, Role>>,
  Holds<Same<Wire.User, User>>,
  Holds<Same<Wire.SessionResponse, SessionResponse>>,
  Holds<Same<Wire.Problem, Problem>>,
  Holds<Same<Wire.RegisterRequest, z.output<typeof RegisterRequest>>>,
  Holds<Same<Wire.LoginRequest, z.output<typeof LoginRequest>>>,
  Holds<Same<Wire.PasswordResetConfirmRequest, z.output<typeof PasswordResetConfirmRequest>>>,
];
