import type { AuthenticationResponseJSON, PublicKeyCredentialDescriptorJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { PasskeyAssertionCredential, PasskeyRegistrationCredential } from '@spa-auth/contract';
import type { PasskeyRecord } from './passkey-store.ts';

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

/**
 * The members both kinds of credential share, as the library types them (the members it reads,
 * nothing added): an attachment of null is none, and no extension results are empty ones.
 */
function libraryCredential<R>(
  credential: PasskeyRegistrationCredential | PasskeyAssertionCredential,
  response: R,
): Omit<RegistrationResponseJSON, 'response'> & { response: R } {
  const { authenticatorAttachment, clientExtensionResults, response: _sent, ...rest } = credential;
  const attachment = attachmentOf(authenticatorAttachment);
  return {
    ...rest,
    ...(attachment ? { authenticatorAttachment: attachment } : {}),
    clientExtensionResults: clientExtensionResults ?? {},
    response,
  };
}

/** The contract's parsed registration credential as the library types it. */
export function registrationResponseOf(credential: PasskeyRegistrationCredential): RegistrationResponseJSON {
  const { response } = credential;
  return libraryCredential(credential, {
    clientDataJSON: response.clientDataJSON,
    attestationObject: response.attestationObject,
    ...(response.transports ? { transports: response.transports } : {}),
  });
}

/** The contract's parsed assertion credential as the library types it. */
export function assertionResponseOf(credential: PasskeyAssertionCredential): AuthenticationResponseJSON {
  const { response } = credential;
  return libraryCredential(credential, {
    clientDataJSON: response.clientDataJSON,
    authenticatorData: response.authenticatorData,
    signature: response.signature,
    ...(response.userHandle ? { userHandle: response.userHandle } : {}),
  });
}

/** The account's passkeys as the library's options take them: to leave out at registration, or to ask for at an assertion. */
export const descriptorsOf = (passkeys: readonly PasskeyRecord[]) =>
  passkeys.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports }));

/** The descriptors of the library's options as the contract writes them: a transport list only when there is one. */
export const wireDescriptorsOf = (descriptors: readonly PublicKeyCredentialDescriptorJSON[] | undefined) =>
  (descriptors ?? []).map(({ id, transports }) => ({
    id,
    type: 'public-key' as const,
    ...(transports && transports.length > 0 ? { transports } : {}),
  }));
