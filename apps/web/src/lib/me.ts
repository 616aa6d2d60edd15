import { MeResponse } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';
import { queryOptions } from '@tanstack/react-query';

/** The signed-in user's account as the API has it (GET /api/me): the settings read it, the dashboard calls it. */
export async function getMe(client: ApiClient) {
  const { data } = await client.http.get('/api/me');
  return MeResponse.parse(data).user;
}

export const meQuery = (client: ApiClient) => queryOptions({ queryKey: ['me'], queryFn: () => getMe(client) });
