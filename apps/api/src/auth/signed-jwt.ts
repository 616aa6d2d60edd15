import jwt from 'jsonwebtoken';
import type { KeySet } from './keys.ts';

export const JWT_ALGORITHM = 'ES256';

/** Why a token failed verifyPinnedJwt: each caller words it for its own answer. */
export type PinnedJwtFailure = 'malformed' | 'algorithm' | 'type' | 'key' | 'expired' | 'invalid';

/**
 * The one verification of a JWT this API signed: ES256 only, the `typ` given, a `kid` of the key
 * set, then the signature, issuer, audience and expiry on the injected clock. `alg: none`,
 * HS256-with-the-public-key and a token of another `typ` (an access token where a service token is
 * wanted, or the reverse) all fail here. The claims beyond these are the caller's to check.
 */
export function verifyPinnedJwt(
  token: string,
  expected: { keys: KeySet; type: string; issuer: string; audience: string; toleranceSeconds: number; nowSeconds: number },
): { ok: true; payload: jwt.JwtPayload } | { ok: false; failure: PinnedJwtFailure } {
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
  if (header.typ !== expected.type) return { ok: false, failure: 'type' };
  const key = typeof header.kid === 'string' ? expected.keys.verifying.get(header.kid) : undefined;
  if (!key) return { ok: false, failure: 'key' };
  try {
    const payload = jwt.verify(token, key, {
      algorithms: [JWT_ALGORITHM],
      issuer: expected.issuer,
      audience: expected.audience,
      clockTolerance: expected.toleranceSeconds,
      clockTimestamp: expected.nowSeconds,
    }) as jwt.JwtPayload;
    return { ok: true, payload };
  } catch (error) {
    return { ok: false, failure: error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
  }
}
