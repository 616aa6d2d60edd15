import { ApiTokensResponse, type CreateApiTokenRequest, CreatedApiTokenResponse } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';
import { queryOptions } from '@tanstack/react-query';

/** The signed-in account's tokens, newest first: live and expired ones, never a secret. */
export const apiTokensQuery = (client: ApiClient) =>
  queryOptions({
    queryKey: ['api-tokens'],
    queryFn: async ({ signal }) => ApiTokensResponse.parse((await client.http.get('/api/tokens', { signal })).data).tokens,
  });

/**
 * Creates a token; the answer holds its secret, which the API never shows again. Needs a recent
 * sign-in: the client asks for the password and sends the request again by itself. Deliberately
 * not a query or a mutation of the query client, whose caches would keep the secret.
 */
export async function createApiToken(client: ApiClient, request: CreateApiTokenRequest): Promise<CreatedApiTokenResponse> {
  return CreatedApiTokenResponse.parse((await client.http.post('/api/tokens', request)).data);
}

/** Revokes one of the account's tokens: whatever uses it is refused from its next request on. */
export async function revokeApiToken(client: ApiClient, id: string): Promise<void> {
  await client.http.delete(`/api/tokens/${encodeURIComponent(id)}`);
}
