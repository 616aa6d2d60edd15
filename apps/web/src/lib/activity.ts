import { ActivityResponse } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';
import { infiniteQueryOptions } from '@tanstack/react-query';

/**
 * An account's security activity log, page by page (newest first, `?after=<nextCursor>` for the
 * next). The signed-in user's own log and an admin's view of anyone's are the same shape from two
 * addresses, so both pages build their query here.
 */
export const activityLogQuery = (client: ApiClient, log: { path: string; queryKey: readonly unknown[] }) =>
  infiniteQueryOptions({
    queryKey: log.queryKey,
    queryFn: async ({ pageParam, signal }) =>
      ActivityResponse.parse((await client.http.get(log.path, { params: pageParam ? { after: pageParam } : {}, signal })).data),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
