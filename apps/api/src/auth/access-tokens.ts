import { randomUUID } from 'node:crypto';
import { ACR_MFA, ACR_PASSWORD, type Role } from '@spa-auth/contract';
import {
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  type AccessTokenResult,
  BROWSER_CLIENT_ID,
  JWT_ALGORITHM,
  verifyAccessToken,
} from '@spa-auth/resource-server/verify';
import jwt from 'jsonwebtoken';
import type { Clock } from '../clock.ts';
import type { KeySet } from './keys.ts';

export type { AccessTokenClaims };
export type VerifyResult = AccessTokenResult;

export type AccessTokens = {
  signAccessToken(subject: {
    userId: string;
    sessionId: string;
    role: Role;
    emailVerified?: boolean;
    /** Milliseconds since the epoch; defaults to now (a fresh sign-in). */
    authenticatedAt?: number;
    /** How the person signed in at `authenticatedAt` (RFC 8176); defaults to a password alone. */
    amr?: readonly string[];
  }): { token: string; expiresIn: number };
  verifyAccessToken(token: string): VerifyResult;
};

export const CLIENT_ID = BROWSER_CLIENT_ID;

/** The `acr` of a sign-in made as `amr` says: a second factor (`mfa`) or a password alone. */
export const acrOf = (amr: readonly string[]): string => (amr.includes('mfa') ? ACR_MFA : ACR_PASSWORD);

/**
 * The one place that signs access tokens (RFC 9068). Verification is the shared verifier of
 * @spa-auth/resource-server, which every other service that accepts these tokens runs too: it pins
 * ES256, the kid, typ, issuer, audience and lifetime, so `alg: none`, HS256-with-the-public-key and
 * tokens minted for another audience fail there and nowhere else needs to care.
 */
export function createAccessTokens(options: {
  keys: KeySet;
  issuer: string;
  audience: string;
  /** The other services' audiences the token is also good for (JWT_EXTRA_AUDIENCES). */
  extraAudiences?: readonly string[];
  ttlMs: number;
  clockToleranceMs: number;
  clock: Clock;
}): AccessTokens {
  const { keys, issuer, audience, clock } = options;
  const ttl = Math.max(1, Math.round(options.ttlMs / 1000));
  const tolerance = Math.round(options.clockToleranceMs / 1000);
  const extra = options.extraAudiences ?? [];
  // A single audience stays a string, as RFC 9068 tokens usually carry it.
  const aud = extra.length === 0 ? audience : [audience, ...extra];
  const key = (kid: string) => keys.verifying.get(kid);

  return {
    signAccessToken({ userId, sessionId, role, emailVerified = false, authenticatedAt = clock.now(), amr = ['pwd'] }) {
      const iat = Math.floor(clock.now() / 1000);
      const claims: AccessTokenClaims = {
        iss: issuer,
        aud,
        sub: userId,
        client_id: CLIENT_ID,
        sid: sessionId,
        jti: randomUUID(),
        iat,
        exp: iat + ttl,
        role,
        email_verified: emailVerified,
        auth_time: Math.floor(authenticatedAt / 1000),
        amr: [...amr],
        acr: acrOf(amr),
      };
      const token = jwt.sign(claims, keys.signing.privateKey, {
        algorithm: JWT_ALGORITHM,
        header: { alg: JWT_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: keys.signing.kid },
      });
      return { token, expiresIn: ttl };
    },

    verifyAccessToken(token) {
      return verifyAccessToken(token, {
        key,
        issuer,
        audience,
        maxLifetimeSeconds: ttl,
        toleranceSeconds: tolerance,
        nowSeconds: Math.floor(clock.now() / 1000),
      });
    },
  };
}
