import { type PasskeyInfo, PasskeyResponse } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';
import { loadPasskeys } from '../../../lib/passkeys.ts';

/**
 * Adds a passkey (requirement 18.4, 18.5): the registration options, which need a recent sign-in
 * (the client's step-up asks for it and sends them again), the browser's dialog that makes the key,
 * then the new credential with the name the person gave it (`Passkey` when left empty).
 */
export async function addPasskey(client: ApiClient, name: string): Promise<PasskeyInfo> {
  const { createPasskeyCredential } = await loadPasskeys();
  const { ceremonyId, response } = await createPasskeyCredential(client);
  const trimmed = name.trim();
  const { data } = await client.http.post('/api/me/passkeys', { ceremonyId, response, ...(trimmed ? { name: trimmed } : {}) });
  return PasskeyResponse.parse(data).passkey;
}

/** A new name (requirement 18.7). */
export async function renamePasskey(client: ApiClient, id: string, name: string): Promise<PasskeyInfo> {
  const { data } = await client.http.patch(`/api/me/passkeys/${encodeURIComponent(id)}`, { name: name.trim() });
  return PasskeyResponse.parse(data).passkey;
}

/** Removes it: it signs in no more (requirement 18.7). Needs a recent sign-in, which the client asks for. */
export async function removePasskey(client: ApiClient, id: string): Promise<void> {
  await client.http.delete(`/api/me/passkeys/${encodeURIComponent(id)}`);
}
