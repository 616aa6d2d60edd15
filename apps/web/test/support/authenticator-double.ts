import { onTestFinished } from 'vitest';

// The browser's side of WebAuthn for jsdom, which has none: PublicKeyCredential and
// navigator.credentials, the boundary @simplewebauthn/browser calls. Everything above it (the
// library, the app, the client) runs as in a browser. The "authenticator" keeps its credentials in
// memory and answers as a browser's dialog would: with a credential, or NotAllowedError when the
// person cancels. What it signs is not cryptography: clientDataJSON carries the challenge, type and
// origin (which the API double checks, as the real API does), and the signature names the credential.

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text).buffer as ArrayBuffer;
export const toBase64Url = (data: ArrayBuffer | ArrayBufferView) => {
  const view = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return btoa(String.fromCharCode(...view))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
};
const fromBase64Url = (text: string) => {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer as ArrayBuffer;
};
/** The text behind a base64url string: what the API double reads out of clientDataJSON and the user handle. */
export const base64UrlText = (text: string) => new TextDecoder().decode(fromBase64Url(text));

export type HeldCredential = { id: string; userHandle: string };
type Waiting = { resolve: (credential: HeldCredential) => void; reject: (error: unknown) => void };

const notAllowed = () => new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError');
const aborted = (signal: AbortSignal) => (signal.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError'));

/**
 * Installs a passkey authenticator on the page for this test. `conditional`: whether the browser
 * offers passkeys in the email field's autofill (isConditionalMediationAvailable).
 */
export function installAuthenticator(options: { conditional?: boolean } = {}) {
  const held: HeldCredential[] = [];
  const signals: Array<{ rpId: string; credentialId: string }> = [];
  const asked: Array<{ kind: 'create' | 'get'; mediation: string | undefined }> = [];
  let cancelNext = false;
  let autofill: Waiting | null = null;
  let created = 0;

  const assertion = (credential: HeldCredential, challenge: ArrayBuffer) => ({
    id: credential.id,
    rawId: fromBase64Url(credential.id),
    type: 'public-key',
    authenticatorAttachment: 'platform',
    response: {
      clientDataJSON: bytes(JSON.stringify({ type: 'webauthn.get', challenge: toBase64Url(challenge), origin: location.origin })),
      authenticatorData: bytes('authenticator-data'),
      signature: bytes(`signed-by-${credential.id}`),
      userHandle: fromBase64Url(credential.userHandle),
    },
    getClientExtensionResults: () => ({}),
  });

  const credentials = {
    async create(request: CredentialCreationOptions) {
      asked.push({ kind: 'create', mediation: (request as { mediation?: string }).mediation });
      const publicKey = request.publicKey as PublicKeyCredentialCreationOptions;
      if (cancelNext) {
        cancelNext = false;
        throw notAllowed();
      }
      const userHandle = toBase64Url(publicKey.user.id as ArrayBuffer);
      const excluded = (publicKey.excludeCredentials ?? []).map((c) => toBase64Url(c.id as ArrayBuffer));
      if (held.some((c) => excluded.includes(c.id)))
        throw new DOMException('The authenticator was previously registered', 'InvalidStateError');
      created += 1;
      const credential = { id: toBase64Url(encoder.encode(`credential-${created}-${userHandle}`)), userHandle };
      held.push(credential);
      return {
        id: credential.id,
        rawId: fromBase64Url(credential.id),
        type: 'public-key',
        authenticatorAttachment: 'platform',
        response: {
          clientDataJSON: bytes(
            JSON.stringify({
              type: 'webauthn.create',
              challenge: toBase64Url(publicKey.challenge as ArrayBuffer),
              origin: location.origin,
            }),
          ),
          attestationObject: bytes('attestation-none'),
          getTransports: () => ['internal', 'hybrid'],
        },
        getClientExtensionResults: () => ({ credProps: { rk: true } }),
      };
    },
    get(request: CredentialRequestOptions) {
      asked.push({ kind: 'get', mediation: request.mediation });
      const publicKey = request.publicKey as PublicKeyCredentialRequestOptions;
      const allowed = (publicKey.allowCredentials ?? []).map((c) => toBase64Url(c.id as ArrayBuffer));
      const offered = held.filter((c) => allowed.length === 0 || allowed.includes(c.id));
      const signal = request.signal;
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(aborted(signal));
        const waiting: Waiting = {
          resolve: (credential) => resolve(assertion(credential, publicKey.challenge as ArrayBuffer)),
          reject,
        };
        signal?.addEventListener('abort', () => {
          if (autofill === waiting) autofill = null;
          reject(aborted(signal));
        });
        if (request.mediation === 'conditional') {
          autofill = waiting;
          return;
        }
        if (cancelNext || offered.length === 0) {
          cancelNext = false;
          return reject(notAllowed());
        }
        waiting.resolve(offered[0] as HeldCredential);
      });
    },
  };

  // A function, as the browser's is: the library checks `typeof PublicKeyCredential === 'function'`.
  const FakePublicKeyCredential = Object.assign(function PublicKeyCredential() {}, {
    isConditionalMediationAvailable: async () => options.conditional ?? false,
    isUserVerifyingPlatformAuthenticatorAvailable: async () => true,
    async signalUnknownCredential(signal: { rpId: string; credentialId: string }) {
      signals.push(signal);
    },
  });

  const previousCredential = Object.getOwnPropertyDescriptor(globalThis, 'PublicKeyCredential');
  const previousCredentials = Object.getOwnPropertyDescriptor(navigator, 'credentials');
  Object.defineProperty(globalThis, 'PublicKeyCredential', { value: FakePublicKeyCredential, configurable: true, writable: true });
  Object.defineProperty(navigator, 'credentials', { value: credentials, configurable: true });
  onTestFinished(() => {
    autofill = null;
    if (previousCredential) Object.defineProperty(globalThis, 'PublicKeyCredential', previousCredential);
    else delete (globalThis as { PublicKeyCredential?: unknown }).PublicKeyCredential;
    if (previousCredentials) Object.defineProperty(navigator, 'credentials', previousCredentials);
    else delete (navigator as { credentials?: unknown }).credentials;
  });

  return {
    /** The passkeys it holds, such as one made in Settings. */
    held,
    /** What the page asked of the browser, in order: `create` or `get`, with its mediation. */
    asked,
    /** The Signal API's unknown-credential reports the page made. */
    signals,
    /** Holds a passkey made earlier (on this device, for the account whose user handle is given). */
    hold(credential: HeldCredential) {
      held.push(credential);
    },
    /** The person closes the next dialog instead of using a passkey. */
    cancelNextDialog() {
      cancelNext = true;
    },
    /** Whether a conditional request (the email field's autofill) is waiting. */
    isOfferingInAutofill: () => autofill !== null,
    /** The person picks this passkey among the email field's suggestions. */
    pickInAutofill(credential: HeldCredential = held[0] as HeldCredential) {
      const waiting = autofill;
      if (!waiting) throw new Error('No autofill request is waiting');
      autofill = null;
      waiting.resolve(credential);
    },
  };
}
export type AuthenticatorDouble = ReturnType<typeof installAuthenticator>;
