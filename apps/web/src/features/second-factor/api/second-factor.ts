import { RecoveryCodesResponse, SecondFactorStatusResponse, TotpEnrollmentResponse } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';
import { queryOptions } from '@tanstack/react-query';

/** What a change of the second factor invalidates. */
export const SECOND_FACTOR_KEY = ['second-factor'] as const;

/** Whether the account has an authenticator app (since when), and how many recovery codes are left. */
export const secondFactorQuery = (client: ApiClient) =>
  queryOptions({
    queryKey: SECOND_FACTOR_KEY,
    queryFn: async ({ signal }) => SecondFactorStatusResponse.parse((await client.http.get('/api/me/second-factor', { signal })).data),
  });

/**
 * Starts enrolling an authenticator app: a new secret, pending until a first code confirms it (a
 * new start replaces a pending one). Needs a recent sign-in: the client asks for the password and
 * sends it again by itself. The answer holds the secret: kept by the page's state while it is shown,
 * never in the query cache.
 */
export async function startTotp(client: ApiClient): Promise<TotpEnrollmentResponse> {
  return TotpEnrollmentResponse.parse((await client.http.post('/api/me/totp')).data);
}

/** Confirms the pending app with its first code: the factor is on, and the ten recovery codes come back, this once. */
export async function confirmTotp(client: ApiClient, code: string): Promise<string[]> {
  return RecoveryCodesResponse.parse((await client.http.post('/api/me/totp/confirm', { code })).data).recoveryCodes;
}

/**
 * Ten new recovery codes; the earlier ones stop working. Needs a recent sign-in with the second
 * factor: the client asks for the password and a code, and sends it again by itself.
 */
export async function regenerateRecoveryCodes(client: ApiClient): Promise<string[]> {
  return RecoveryCodesResponse.parse((await client.http.post('/api/me/recovery-codes')).data).recoveryCodes;
}

/** Removes the authenticator app and its recovery codes: the password alone signs in again. Needs what regenerating needs. */
export async function removeTotp(client: ApiClient): Promise<void> {
  await client.http.delete('/api/me/totp');
}
