import { MeResponse } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';
import { queryOptions } from '@tanstack/react-query';

/**
 * The signed-in user's account as the API has it (GET /api/me): the settings read it, the dashboard
 * calls it. `signal` lets a query cancel it when no page needs the answer any more.
 */
export async function getMe(client: ApiClient, signal?: AbortSignal) {
  const { data } = await client.http.get('/api/me', { signal });
  return MeResponse.parse(data).user;
}

export const meQuery = (client: ApiClient) => queryOptions({ queryKey: ['me'], queryFn: ({ signal }) => getMe(client, signal) });
