import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { PasskeyAssertionCredential, PasskeyRegistrationCredential } from '@spa-auth/contract';

/**
 * The key algorithms a passkey may use (COSE ids): EdDSA, ES256 and RS256, what every authenticator
 * offers one of. Given to the browser at registration and required of the new key.
 */
export const PASSKEY_ALGORITHMS = [-8, -7, -257];

/**
 * The WebAuthn user handle of an account: the 16 bytes of its id (a random UUID, no personal data),
 * base64url. The same for every passkey of the account, so an authenticator replaces rather than
 * piles up its credentials for it; an assertion that names another is refused.
 */
export const userHandleOf = (userId: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(userId.replaceAll('-', ''), 'hex'));

export const userHandleText = (userId: string): string => Buffer.from(userHandleOf(userId)).toString('base64url');

const attachmentOf = (value: 'platform' | 'cross-platform' | null | undefined) => (value === null ? undefined : value);

/** The contract's parsed credential as the library types it (the members it reads, nothing added). */
export function registrationResponseOf(credential: PasskeyRegistrationCredential): RegistrationResponseJSON {
  const { authenticatorAttachment, clientExtensionResults, response, ...rest } = credential;
  const attachment = attachmentOf(authenticatorAttachment);
  return {
    ...rest,
    ...(attachment ? { authenticatorAttachment: attachment } : {}),
    clientExtensionResults: clientExtensionResults ?? {},
    response: {
      clientDataJSON: response.clientDataJSON,
      attestationObject: response.attestationObject,
      ...(response.transports ? { transports: response.transports } : {}),
    },
  };
}

export function assertionResponseOf(credential: PasskeyAssertionCredential): AuthenticationResponseJSON {
  const { authenticatorAttachment, clientExtensionResults, response, ...rest } = credential;
  const attachment = attachmentOf(authenticatorAttachment);
  return {
    ...rest,
    ...(attachment ? { authenticatorAttachment: attachment } : {}),
    clientExtensionResults: clientExtensionResults ?? {},
    response: {
      clientDataJSON: response.clientDataJSON,
      authenticatorData: response.authenticatorData,
      signature: response.signature,
      ...(response.userHandle ? { userHandle: response.userHandle } : {}),
    },
  };
}
