/**
 * The second factor without a schema library: how a sign-in is described in the access token
 * (`amr`, `acr`), which proofs the second step of a sign-in takes, and the limits of that step.
 * Plain constants, so a service checking tokens or a client reading a challenge needs no zod; the
 * schemas are in index.ts.
 */

/**
 * RFC 8176 authentication method references an access token's `amr` may hold: `pwd` a password,
 * `otp` a one-time code (an authenticator app's, or a recovery code), `hwk`/`swk` a key held in
 * hardware or software (passkeys), and `mfa` when more than one factor was used.
 */
export const AUTHENTICATION_METHODS = ['pwd', 'otp', 'hwk', 'swk', 'mfa'] as const;
export type AuthenticationMethod = (typeof AUTHENTICATION_METHODS)[number];

/** The access token's `acr` for a sign-in with a password alone. */
export const ACR_PASSWORD = 'urn:spa-auth:acr:pwd';
/** The access token's `acr` for a sign-in that used a second factor; RFC 9470's `acr_values` asks for it. */
export const ACR_MFA = 'urn:spa-auth:acr:mfa';

/**
 * The proofs the second step of a sign-in takes, as the `factors` of a `second_factor_required`
 * problem lists those the account has: `totp` (a code of an authenticator app), `recovery_code`, and
 * `passkey` (an assertion of one of the account's passkeys, with options from
 * `POST /auth/login/second-factor/passkey-options`).
 */
export const SECOND_FACTORS = ['totp', 'recovery_code', 'passkey'] as const;
export type SecondFactor = (typeof SECOND_FACTORS)[number];

/** Recovery codes made at once (at enrolment and at each regeneration); each works once. */
export const RECOVERY_CODE_COUNT = 10;
/** How long the challenge of a sign-in's first step waits for the second step. */
export const SIGN_IN_CHALLENGE_TTL_SECONDS = 300;
/** Codes one challenge takes, right or wrong; after as many wrong ones it is dead. */
export const SIGN_IN_CHALLENGE_MAX_ATTEMPTS = 5;

/** Passkeys (WebAuthn) one account may register; the next one is refused (409 `passkey_limit`). */
export const MAX_PASSKEYS_PER_USER = 20;
/**
 * How long the options of a passkey ceremony stay good (registration, sign-in, second step,
 * re-authentication): the server forgets its challenge after this, and the options' `timeout` says it.
 */
export const PASSKEY_CEREMONY_TTL_SECONDS = 300;
