import { SessionsResponse } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';
import { queryOptions } from '@tanstack/react-query';

export const sessionsQuery = (client: ApiClient) =>
  queryOptions({
    queryKey: ['sessions'],
    queryFn: async () => SessionsResponse.parse((await client.http.get('/api/sessions')).data).sessions,
  });

export async function revokeSession(client: ApiClient, id: string): Promise<void> {
  await client.http.delete(`/api/sessions/${encodeURIComponent(id)}`);
}

export async function revokeOtherSessions(client: ApiClient): Promise<void> {
  await client.http.post('/api/sessions/revoke-others');
}
