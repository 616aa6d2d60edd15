import {
  browserSupportsWebAuthnAutofill,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  sendSignal,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
} from '@simplewebauthn/browser';
import type { ApiClient, ApiError, PasskeyProof } from '@spa-auth/http-client';

// Loaded through loadPasskeys() (lib/passkeys.ts) only: this module brings @simplewebauthn/browser.
// It imports only types of the client: a value import would move the client's error module out of
// the sign-in page's first chunk into one shared with this one, a request more on the first load.

/** An ApiError of the client, told by its name (see above). */
const isApiError = (error: unknown): error is ApiError => (error as Error | null)?.name === 'ApiError';

type Ceremony<Options> = { ceremonyId: string; options: Options };

/**
 * Options of a ceremony from the API: `{ ceremonyId, options }` (requirement 18.1). Checked only as
 * far as this module reads them; the browser and the API check the rest. No zod here, so that the
 * sign-in page's autofill does not fetch the schema library with this chunk.
 */
async function ceremonyFrom<Options>(client: ApiClient, path: string, body?: object): Promise<Ceremony<Options>> {
  const { data } = await client.http.post(path, body);
  if (typeof data?.ceremonyId !== 'string' || typeof data.options?.challenge !== 'string') {
    throw new Error('The API sent passkey options in an unexpected shape');
  }
  return data as Ceremony<Options>;
}

/**
 * A passkey's proof for the options at `path` (requirement 18.9, 18.15, 18.17): the options from the
 * API, then the browser's dialog, where the person picks a passkey and unlocks it. With `autofill`,
 * the passkeys are offered among the suggestions of the email field instead (conditional mediation)
 * and this waits until the person picks one; where the browser cannot, it resolves null at once,
 * before any options are asked for, and so it does when `wanted` says the page no longer wants it.
 */
export async function passkeyProof(client: ApiClient, path: string, body?: object): Promise<PasskeyProof>;
export async function passkeyProof(
  client: ApiClient,
  path: string,
  body: object | undefined,
  mode: { autofill: true; wanted: () => boolean },
): Promise<PasskeyProof | null>;
export async function passkeyProof(
  client: ApiClient,
  path: string,
  body?: object,
  mode: { autofill?: boolean; wanted?: () => boolean } = {},
): Promise<PasskeyProof | null> {
  if (mode.autofill && !(await browserSupportsWebAuthnAutofill())) return null;
  const { ceremonyId, options } = await ceremonyFrom<PublicKeyCredentialRequestOptionsJSON>(client, path, body);
  // The page that asked may be gone by now (left, or mounted again): a request started for it would
  // end the one its successor started (one ceremony at a time), and what it got would go nowhere.
  if (mode.wanted && !mode.wanted()) return null;
  const response = await startAuthentication({ optionsJSON: options, useBrowserAutofill: mode.autofill ?? false });
  rpIds.set(response.id, options.rpId ?? location.hostname);
  return { passkey: { ceremonyId, response } };
}

/** The RP ID each credential answered for, for the signal below. */
const rpIds = new Map<string, string>();

/**
 * The API knows no such passkey (removed from the account, or from another site's database): tell the
 * browser through the Signal API where it has it, so that the passkey provider may stop offering it.
 * Fire and forget: the sign-in failed either way.
 */
export function forgetUnknownPasskey(proof: PasskeyProof): void {
  const credentialID = proof.passkey.response.id;
  sendSignal({ signalName: 'unknownCredential', rpID: rpIds.get(credentialID) ?? location.hostname, credentialID }).catch(() => {});
}

/** Ends the ceremony waiting in the browser (the email field's autofill), as when the page is left. */
export const cancelPasskeyCeremony = () => WebAuthnAbortService.cancelCeremony();

/**
 * A new passkey from the browser for the account (requirement 18.4): the registration options (a
 * recent sign-in, which the client's step-up asks for), then the browser's dialog that makes it.
 */
export async function createPasskeyCredential(client: ApiClient): Promise<{ ceremonyId: string; response: RegistrationResponseJSON }> {
  const { ceremonyId, options } = await ceremonyFrom<PublicKeyCredentialCreationOptionsJSON>(
    client,
    '/api/me/passkeys/registration-options',
  );
  return { ceremonyId, response: await startRegistration({ optionsJSON: options }) };
}

/**
 * The person closed the browser's dialog, or it timed out, or another ceremony replaced it: nothing
 * went wrong that needs saying. WebAuthn gives one error for all of these (NotAllowedError), on
 * purpose: a page must not learn whether a passkey exists.
 */
export function isCancelled(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  const code = (error as { code?: unknown } | null)?.code;
  return name === 'NotAllowedError' || name === 'AbortError' || code === 'ERROR_CEREMONY_ABORTED';
}

const PASSKEY_MESSAGES: Partial<Record<string, string>> = {
  passkey_unknown:
    'This passkey is not registered to any account here (it may have been removed). Choose another, or sign in with your email and password.',
  passkey_cloned:
    'This passkey was refused: its security counter suggests it was copied. Sign in another way, and check your passkeys in Settings.',
  passkey_invalid: 'The passkey could not be verified. Try again, or sign in another way.',
  passkey_challenge_invalid: 'That took too long, and the request expired. Try the passkey again.',
  passkey_already_registered: 'This passkey is registered already.',
  passkey_limit: 'This account has as many passkeys as it may have (20). Remove one first.',
  account_disabled: 'This account is disabled. Ask an administrator.',
};

/**
 * What to tell the person when a passkey ceremony failed, or null when there is nothing to say (they
 * cancelled). An API problem of a passkey has its own words; any other goes to the form's usual ones
 * (`orElse`), and the browser's own errors say that a passkey cannot be used here.
 */
export function passkeyProblem(error: unknown, orElse: (error: unknown) => string): string | null {
  if (isCancelled(error)) return null;
  if (isApiError(error)) return PASSKEY_MESSAGES[error.code] ?? orElse(error);
  if ((error as { code?: unknown } | null)?.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') {
    return 'This device or password manager holds a passkey for this account already.';
  }
  return `The passkey could not be used in this browser. ${error instanceof Error ? error.message : ''}`.trim();
}
