import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

export type SigningKey = { kid: string; privateKey: KeyObject; publicKey: KeyObject };

export type KeySet = {
  /** The key that signs new tokens. */
  signing: SigningKey;
  /** Every key whose tokens are accepted, by kid. Parsed once here, never per request. */
  verifying: ReadonlyMap<string, KeyObject>;
  /** The public JWK Set served at /.well-known/jwks.json. */
  jwks: { keys: JsonWebKey[] };
};

/** ES256 keys only: EC on the P-256 curve (prime256v1). */
export const isP256 = (key: KeyObject): boolean => key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';

/** RFC 7638 thumbprint of an EC public key: SHA-256 over the required members in lexical order. */
export function jwkThumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * Builds the key set from the signing key and the other public keys whose tokens are still (or
 * already) accepted: the previous key during a rotation, or the next one announced before it signs.
 * The kid is the key's thumbprint, so every instance names a key the same way with no registry.
 */
export function createKeySet(privateKey: KeyObject, previousPublicKeys: KeyObject[] = []): KeySet {
  const publicKey = createPublicKey(privateKey);
  const signing = { kid: jwkThumbprint(publicKey), privateKey, publicKey };
  const verifying = new Map<string, KeyObject>([[signing.kid, publicKey]]);
  for (const key of previousPublicKeys) {
    // Re-derived so that a private key handed in by mistake can never put `d` into the JWKS.
    const previous = key.type === 'public' ? key : createPublicKey(key);
    if (!isP256(previous)) {
      throw new Error('Every accepted key must be an EC P-256 public key');
    }
    verifying.set(jwkThumbprint(previous), previous);
  }
  const jwks = {
    keys: [...verifying].map(([kid, key]) => ({ ...key.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' })),
  };
  return { signing, verifying, jwks };
}
