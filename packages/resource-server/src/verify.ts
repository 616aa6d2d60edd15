import type { KeyObject } from 'node:crypto';
import { ACR_PASSWORD } from '@spa-auth/contract/wire';
import jwt from 'jsonwebtoken';

/** The one algorithm these tokens are signed with (RFC 8725 3.1: pinned, never read from the token). */
export const JWT_ALGORITHM = 'ES256';
/** The access token's `typ` header (RFC 9068 2.1). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** The `client_id` claim of an access token issued to the browser app by a sign-in. */
export const BROWSER_CLIENT_ID = 'spa-auth-web';

/** Why a token failed verifyPinnedJwt: each caller words it for its own answer. */
export type PinnedJwtFailure = 'malformed' | 'algorithm' | 'type' | 'key' | 'expired' | 'invalid';

/** Finds the public key for a `kid`: the API's own key set, or a service's copy of the JWK Set. */
export type KeyLookup = (kid: string) => KeyObject | undefined;

/** A verified JWT's claims, each still to be checked by the caller for its type. */
export type JwtClaims = { readonly [claim: string]: unknown };

export type PinnedJwtExpectations = {
  key: KeyLookup;
  type: string;
  issuer: string;
  /** This verifier's audience: the token's `aud` (a string or an array) must hold it. */
  audience: string;
  toleranceSeconds: number;
  nowSeconds: number;
};

type DecodedHeader = { ok: true; kid: string } | { ok: false; failure: PinnedJwtFailure };

/**
 * The header checks that need no key, for a caller that has to fetch the key first (a service
 * with a remote JWK Set): the token parses, says ES256 and the `typ` wanted, and names a `kid`.
 * A token failing here never causes a fetch.
 */
export function readPinnedHeader(token: string, type: string): DecodedHeader {
  let decoded: jwt.Jwt | null;
  try {
    // jws parses the payload itself when the header says typ "JWT", and throws on non-JSON.
    decoded = jwt.decode(token, { complete: true });
  } catch {
    return { ok: false, failure: 'malformed' };
  }
  if (!decoded || typeof decoded.payload === 'string') return { ok: false, failure: 'malformed' };
  const { header } = decoded;
  if (header.alg !== JWT_ALGORITHM) return { ok: false, failure: 'algorithm' };
  if (header.typ !== type) return { ok: false, failure: 'type' };
  if (typeof header.kid !== 'string') return { ok: false, failure: 'key' };
  return { ok: true, kid: header.kid };
}

/**
 * The one verification of a JWT the spa-auth API signed: ES256 only, the `typ` given, a known
 * `kid`, then the signature, issuer, audience and expiry on the caller's clock. `alg: none`,
 * HS256-with-the-public-key and a token of another `typ` (an access token where a service token is
 * wanted, or the reverse) all fail here. The claims beyond these are the caller's to check.
 */
export function verifyPinnedJwt(
  token: string,
  expected: PinnedJwtExpectations,
): { ok: true; payload: JwtClaims } | { ok: false; failure: PinnedJwtFailure } {
  const header = readPinnedHeader(token, expected.type);
  if (!header.ok) return header;
  const key = expected.key(header.kid);
  if (!key) return { ok: false, failure: 'key' };
  try {
    const payload = jwt.verify(token, key, {
      algorithms: [JWT_ALGORITHM],
      issuer: expected.issuer,
      audience: expected.audience,
      clockTolerance: expected.toleranceSeconds,
      clockTimestamp: expected.nowSeconds,
    }) as JwtClaims;
    return { ok: true, payload };
  } catch (error) {
    return { ok: false, failure: error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
  }
}

export type Role = 'user' | 'admin';

/** An access token's claims once verified (RFC 9068 2.2, with the session id and role). */
export type AccessTokenClaims = {
  iss: string;
  /** This API's audience, or it and the other services' (JWT_EXTRA_AUDIENCES): RFC 7519 allows both. */
  aud: string | string[];
  sub: string;
  client_id: string;
  /** The session the token belongs to: what a revocation ends. */
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  role: Role;
  /** OpenID Connect's claim: whether the user proved the address is theirs (a verification link). */
  email_verified: boolean;
  /** When a password last proved the person (seconds since the epoch; RFC 9068 2.2.1, RFC 9470). */
  auth_time: number;
  /**
   * How the person proved it at `auth_time` (RFC 8176): `pwd`, and with a second factor also `otp`
   * (an authenticator app or a recovery code) and `mfa`. A token issued before the claim existed
   * reads as `['pwd']`.
   */
  amr: string[];
  /**
   * `urn:spa-auth:acr:mfa` when a second factor was used at `auth_time`, else
   * `urn:spa-auth:acr:pwd` (RFC 9470's `acr_values` asks for the first).
   */
  acr: string;
};

export type AccessTokenFailureCode = 'token_expired' | 'token_invalid';

export type AccessTokenResult = { ok: true; claims: AccessTokenClaims } | { ok: false; code: AccessTokenFailureCode; description: string };

export type AccessTokenExpectations = Omit<PinnedJwtExpectations, 'type'> & {
  /**
   * The longest lifetime (`exp - iat`) honoured, in seconds: the API's ACCESS_TOKEN_TTL. A longer
   * one was minted elsewhere (a leaked key, another service on the same key) or under an older,
   * longer setting.
   */
  maxLifetimeSeconds: number;
};

const FAILURE_DESCRIPTIONS: Record<Exclude<PinnedJwtFailure, 'expired'>, string> = {
  malformed: 'The token is not a JWT',
  algorithm: 'The token is not signed with ES256',
  type: 'The token is not an access token',
  key: 'The token was signed by an unknown key',
  invalid: 'The token signature or claims are invalid',
};

/** The RFC 6750 description of a header failure, for a caller that stops before verifyAccessToken. */
export function describeFailure(failure: PinnedJwtFailure): { code: AccessTokenFailureCode; description: string } {
  if (failure === 'expired') return { code: 'token_expired', description: 'The access token expired' };
  return { code: 'token_invalid', description: FAILURE_DESCRIPTIONS[failure] };
}

/**
 * Verifies an access token exactly as the spa-auth API's bearer check does: verifyPinnedJwt with
 * `typ: at+jwt`, then every claim the API relies on. The API and every service built on this
 * package call this function; neither holds a copy of it.
 */
export function verifyAccessToken(token: string, expected: AccessTokenExpectations): AccessTokenResult {
  const { nowSeconds: now, toleranceSeconds: tolerance } = expected;
  const invalid = (description: string): AccessTokenResult => ({ ok: false, code: 'token_invalid', description });
  const verified = verifyPinnedJwt(token, { ...expected, type: ACCESS_TOKEN_TYPE });
  if (!verified.ok) return { ok: false, ...describeFailure(verified.failure) };
  const { sub, sid, role, jti, iat, exp, client_id, email_verified, auth_time, iss, aud, amr, acr } =
    verified.payload as Partial<AccessTokenClaims>;
  if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string') return invalid('The token lacks required claims');
  if (role !== 'user' && role !== 'admin') return invalid('The token has no valid role');
  if (typeof iat !== 'number' || typeof exp !== 'number' || iat > now + tolerance) return invalid('The token was issued in the future');
  if (exp - iat > expected.maxLifetimeSeconds + tolerance) return invalid('The token lives longer than the access token lifetime');
  if (client_id !== BROWSER_CLIENT_ID) return invalid('The token was issued to another client');
  // Only `true` counts: a token without the claim proves nothing about the address.
  // A token without auth_time (issued before it existed) proves no recent sign-in: 0.
  const claims: AccessTokenClaims = {
    iss: iss as string,
    aud: aud as string | string[],
    sub,
    sid,
    jti,
    iat,
    exp,
    role,
    client_id,
    email_verified: email_verified === true,
    auth_time: typeof auth_time === 'number' && auth_time <= iat ? auth_time : 0,
    // A token issued before these claims existed proves a password and nothing more.
    amr: Array.isArray(amr) && amr.length > 0 && amr.every((method) => typeof method === 'string') ? amr : ['pwd'],
    acr: typeof acr === 'string' && acr !== '' ? acr : ACR_PASSWORD,
  };
  return { ok: true, claims };
}
