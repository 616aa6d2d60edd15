import { randomUUID } from 'node:crypto';
import type { Role } from '@spa-auth/contract';
import jwt from 'jsonwebtoken';
import type { Clock } from '../clock.ts';
import type { KeySet } from './keys.ts';
import { JWT_ALGORITHM, type PinnedJwtFailure, verifyPinnedJwt } from './signed-jwt.ts';

export type AccessTokenClaims = {
  iss: string;
  aud: string;
  sub: string;
  client_id: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  role: Role;
  /** OpenID Connect's claim: whether the user proved the address is theirs (a verification link). */
  email_verified: boolean;
  /** When a password last proved the person (seconds since the epoch; RFC 9068 2.2.1, RFC 9470). */
  auth_time: number;
};

export type VerifyResult =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; code: 'token_expired' | 'token_invalid'; description: string };

export type AccessTokens = {
  signAccessToken(subject: {
    userId: string;
    sessionId: string;
    role: Role;
    emailVerified?: boolean;
    /** Milliseconds since the epoch; defaults to now (a fresh sign-in). */
    authenticatedAt?: number;
  }): { token: string; expiresIn: number };
  verifyAccessToken(token: string): VerifyResult;
};

export const CLIENT_ID = 'spa-auth-web';
const TYPE = 'at+jwt';

const FAILURE_DESCRIPTIONS: Record<Exclude<PinnedJwtFailure, 'expired'>, string> = {
  malformed: 'The token is not a JWT',
  algorithm: 'The token is not signed with ES256',
  type: 'The token is not an access token',
  key: 'The token was signed by an unknown key',
  invalid: 'The token signature or claims are invalid',
};

/**
 * The one place that signs and verifies access tokens (RFC 9068). Verification pins ES256, the
 * kid, typ, issuer and audience, so `alg: none`, HS256-with-the-public-key and tokens minted for
 * another audience all fail here and nowhere else needs to care.
 */
export function createAccessTokens(options: {
  keys: KeySet;
  issuer: string;
  audience: string;
  ttlMs: number;
  clockToleranceMs: number;
  clock: Clock;
}): AccessTokens {
  const { keys, issuer, audience, clock } = options;
  const ttl = Math.max(1, Math.round(options.ttlMs / 1000));
  const tolerance = Math.round(options.clockToleranceMs / 1000);
  const invalid = (description: string): VerifyResult => ({ ok: false, code: 'token_invalid', description });

  return {
    signAccessToken({ userId, sessionId, role, emailVerified = false, authenticatedAt = clock.now() }) {
      const iat = Math.floor(clock.now() / 1000);
      const claims: AccessTokenClaims = {
        iss: issuer,
        aud: audience,
        sub: userId,
        client_id: CLIENT_ID,
        sid: sessionId,
        jti: randomUUID(),
        iat,
        exp: iat + ttl,
        role,
        email_verified: emailVerified,
        auth_time: Math.floor(authenticatedAt / 1000),
      };
      const token = jwt.sign(claims, keys.signing.privateKey, {
        algorithm: JWT_ALGORITHM,
        header: { alg: JWT_ALGORITHM, typ: TYPE, kid: keys.signing.kid },
      });
      return { token, expiresIn: ttl };
    },

    verifyAccessToken(token) {
      const now = Math.floor(clock.now() / 1000);
      const verified = verifyPinnedJwt(token, { keys, type: TYPE, issuer, audience, toleranceSeconds: tolerance, nowSeconds: now });
      if (!verified.ok) {
        if (verified.failure === 'expired') return { ok: false, code: 'token_expired', description: 'The access token expired' };
        return invalid(FAILURE_DESCRIPTIONS[verified.failure]);
      }
      const { payload } = verified;
      const { sub, sid, role, jti, iat, exp, client_id, email_verified, auth_time } = payload as Partial<AccessTokenClaims>;
      if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string') return invalid('The token lacks required claims');
      if (role !== 'user' && role !== 'admin') return invalid('The token has no valid role');
      if (typeof iat !== 'number' || typeof exp !== 'number' || iat > now + tolerance) return invalid('The token was issued in the future');
      // We never issue a longer lifetime, so a longer one was minted elsewhere (a leaked key, another
      // service on the same key) or under an older, longer ACCESS_TOKEN_TTL: not ours to honour.
      if (exp - iat > ttl + tolerance) return invalid('The token lives longer than the access token lifetime');
      if (client_id !== CLIENT_ID) return invalid('The token was issued to another client');
      // Only `true` counts: a token without the claim proves nothing about the address.
      // A token without auth_time (issued before it existed) proves no recent sign-in: 0.
      const claims = {
        iss: issuer,
        aud: audience,
        sub,
        sid,
        jti,
        iat,
        exp,
        role,
        client_id,
        email_verified: email_verified === true,
        auth_time: typeof auth_time === 'number' && auth_time <= iat ? auth_time : 0,
      };
      return { ok: true, claims };
    },
  };
}
