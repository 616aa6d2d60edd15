import { MeResponse } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';
import { queryOptions } from '@tanstack/react-query';

export async function getMe(client: ApiClient) {
  const { data } = await client.http.get('/api/me');
  return MeResponse.parse(data).user;
}

export const meQuery = (client: ApiClient) => queryOptions({ queryKey: ['me'], queryFn: () => getMe(client) });
