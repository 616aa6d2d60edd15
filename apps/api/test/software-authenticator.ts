import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import type { PasskeyAssertionCredential, PasskeyRegistrationCredential } from '@spa-auth/contract';

/**
 * A WebAuthn authenticator in software, for the API's tests: real P-256 keys from node:crypto,
 * clientDataJSON as a browser writes it, authenticator data with its flags and signature counter,
 * attestation `none` in CBOR, and ECDSA signatures over what WebAuthn signs. The server verifies
 * them as it verifies a real authenticator's, so the tests drive whole ceremonies.
 *
 * Each option that a test bends (the origin, the RP ID, user verification, the counter) is one
 * field of a call, so a refusal can be shown to come from that field alone.
 */

/** WebAuthn's authenticator data flags (WebAuthn Level 3, 6.1). */
const FLAG = { userPresent: 0x01, userVerified: 0x04, backupEligible: 0x08, backedUp: 0x10, attestedCredential: 0x40 };

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

type Credential = {
  id: Buffer;
  privateKey: KeyObject;
  rpId: string;
  userHandle: string;
  counter: number;
};

export type CeremonyOverrides = {
  /** The page's origin the browser writes into clientDataJSON. */
  origin?: string;
  /** The RP ID whose SHA-256 starts the authenticator data (a browser uses the options'). */
  rpId?: string;
  /** clientDataJSON's `type`. */
  type?: string;
  /** The challenge to sign instead of the options'. */
  challenge?: string;
  /** Whether the user was verified (a PIN or a biometric); true by default. */
  userVerified?: boolean;
};

type Created = { challenge: string; rp: { id: string }; user: { id: string } };
type Requested = { challenge: string; rpId: string; allowCredentials: Array<{ id: string }> };

export type SoftwareAuthenticator = {
  readonly size: number;
  register(creation: Created, overrides?: CeremonyOverrides & { reuse?: string }): PasskeyRegistrationCredential;
  assert(request: Requested, overrides?: CeremonyOverrides & { credentialId?: string }): PasskeyAssertionCredential;
  clone(): SoftwareAuthenticator;
  adopt(copies: Credential[]): void;
};

/**
 * `synced` makes a multi-device credential (backup eligible and backed up) whose counter stays 0,
 * as synced passkeys keep none; otherwise a device-bound one whose counter goes up by one per use.
 */
export function createSoftwareAuthenticator(options: { synced?: boolean; origin?: string } = {}): SoftwareAuthenticator {
  const synced = options.synced ?? false;
  const defaultOrigin = options.origin ?? 'http://localhost:5173';
  const credentials = new Map<string, Credential>();

  const flags = (userVerified: boolean, attested: boolean) =>
    FLAG.userPresent |
    (userVerified ? FLAG.userVerified : 0) |
    (synced ? FLAG.backupEligible | FLAG.backedUp : 0) |
    (attested ? FLAG.attestedCredential : 0);

  const clientData = (type: string, challenge: string, origin: string) =>
    Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');

  const counterBytes = (counter: number) => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(counter);
    return bytes;
  };

  /** The COSE form of a P-256 public key (RFC 9053): kty EC2, alg ES256, crv P-256, x, y. */
  const coseKey = (privateKey: KeyObject) => {
    const jwk = privateKey.export({ format: 'jwk' });
    return isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x as string, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y as string, 'base64url'))],
      ]),
    );
  };

  return {
    /** How many credentials it holds. */
    get size() {
      return credentials.size;
    },

    /**
     * navigator.credentials.create() with these options: a new key pair and credential (or, with
     * `reuse`, the id and key of one it holds), attestation `none`.
     */
    register(creation, overrides = {}) {
      const reused = overrides.reuse ? credentials.get(overrides.reuse) : undefined;
      const id = reused?.id ?? randomBytes(16);
      const privateKey = reused?.privateKey ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const rpId = overrides.rpId ?? creation.rp.id;
      credentials.set(b64url(id), { id, privateKey, rpId: creation.rp.id, userHandle: creation.user.id, counter: 0 });
      const credentialIdLength = Buffer.alloc(2);
      credentialIdLength.writeUInt16BE(id.length);
      const authData = Buffer.concat([
        sha256(rpId),
        Buffer.from([flags(overrides.userVerified ?? true, true)]),
        counterBytes(0),
        Buffer.alloc(16), // AAGUID: none said, as attestation none allows
        credentialIdLength,
        id,
        Buffer.from(coseKey(privateKey)),
      ]);
      const attestationObject = isoCBOR.encode(
        new Map<string, string | Uint8Array | Map<string, never>>([
          ['fmt', 'none'],
          ['attStmt', new Map<string, never>()],
          ['authData', new Uint8Array(authData)],
        ]),
      );
      return {
        id: b64url(id),
        rawId: b64url(id),
        type: 'public-key',
        authenticatorAttachment: 'platform',
        clientExtensionResults: { credProps: { rk: true } },
        response: {
          clientDataJSON: b64url(
            clientData(overrides.type ?? 'webauthn.create', overrides.challenge ?? creation.challenge, overrides.origin ?? defaultOrigin),
          ),
          attestationObject: b64url(attestationObject),
          transports: ['internal', 'hybrid'],
        },
      };
    },

    /**
     * navigator.credentials.get() with these options: the first credential the options allow (any
     * of this RP's when they allow any), or `credentialId`; its counter goes up first, unless synced.
     */
    assert(request, overrides = {}) {
      const allowed = request.allowCredentials.map((descriptor) => descriptor.id);
      const credential =
        (overrides.credentialId ? credentials.get(overrides.credentialId) : undefined) ??
        [...credentials.values()].find((c) => c.rpId === request.rpId && (allowed.length === 0 || allowed.includes(b64url(c.id))));
      if (!credential) throw new Error('The software authenticator holds no credential these options allow');
      if (!synced) credential.counter += 1;
      const authData = Buffer.concat([
        sha256(overrides.rpId ?? request.rpId),
        Buffer.from([flags(overrides.userVerified ?? true, false)]),
        counterBytes(credential.counter),
      ]);
      const clientDataJSON = clientData(
        overrides.type ?? 'webauthn.get',
        overrides.challenge ?? request.challenge,
        overrides.origin ?? defaultOrigin,
      );
      // ECDSA over authenticatorData || SHA-256(clientDataJSON), DER-encoded as WebAuthn wants.
      const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
      return {
        id: b64url(credential.id),
        rawId: b64url(credential.id),
        type: 'public-key',
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
        response: {
          clientDataJSON: b64url(clientDataJSON),
          authenticatorData: b64url(authData),
          signature: b64url(signature),
          userHandle: credential.userHandle,
        },
      };
    },

    /** A copy holding the same keys and counters: a cloned authenticator, from here on used apart. */
    clone() {
      const copy = createSoftwareAuthenticator({ synced, origin: defaultOrigin });
      copy.adopt([...credentials.values()].map((c) => ({ ...c })));
      return copy;
    },

    /** For clone(): takes these credentials as its own. */
    adopt(copies: Credential[]) {
      for (const copy of copies) credentials.set(b64url(copy.id), copy);
    },
  };
}
