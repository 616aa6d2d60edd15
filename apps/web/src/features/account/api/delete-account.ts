import type { ApiClient } from '@spa-auth/http-client';

/** Deletes the signed-in account and every session of it; the API wants a recent sign-in for it. */
export async function deleteAccount(client: ApiClient): Promise<void> {
  await client.http.delete('/api/me');
}
