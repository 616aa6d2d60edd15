import { randomUUID } from 'node:crypto';
import type { Role } from '@spa-auth/contract';
import jwt from 'jsonwebtoken';
import type { Clock } from '../clock.ts';
import type { KeySet } from './keys.ts';

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
const ALGORITHM = 'ES256';
const TYPE = 'at+jwt';

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
        algorithm: ALGORITHM,
        header: { alg: ALGORITHM, typ: TYPE, kid: keys.signing.kid },
      });
      return { token, expiresIn: ttl };
    },

    verifyAccessToken(token) {
      let decoded: jwt.Jwt | null;
      try {
        // jws parses the payload itself when the header says typ "JWT", and throws on non-JSON.
        decoded = jwt.decode(token, { complete: true });
      } catch {
        return invalid('The token is not a JWT');
      }
      if (!decoded || typeof decoded.payload === 'string') return invalid('The token is not a JWT');
      const { header } = decoded;
      if (header.alg !== ALGORITHM) return invalid('The token is not signed with ES256');
      if (header.typ !== TYPE) return invalid('The token is not an access token');
      const key = typeof header.kid === 'string' ? keys.verifying.get(header.kid) : undefined;
      if (!key) return invalid('The token was signed by an unknown key');
      const now = Math.floor(clock.now() / 1000);
      let payload: jwt.JwtPayload;
      try {
        payload = jwt.verify(token, key, {
          algorithms: [ALGORITHM],
          issuer,
          audience,
          clockTolerance: tolerance,
          clockTimestamp: now,
        }) as jwt.JwtPayload;
      } catch (error) {
        if (error instanceof jwt.TokenExpiredError) return { ok: false, code: 'token_expired', description: 'The access token expired' };
        return invalid('The token signature or claims are invalid');
      }
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
