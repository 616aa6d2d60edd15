import { AdminUsersResponse } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';
import { queryOptions } from '@tanstack/react-query';

export const adminUsersQuery = (client: ApiClient) =>
  queryOptions({
    queryKey: ['admin', 'users'],
    queryFn: async () => AdminUsersResponse.parse((await client.http.get('/api/admin/users')).data).users,
  });
