import type { ApiClient } from '@spa-auth/http-client';
import { queryOptions } from '@tanstack/react-query';
import { getMe } from '../../../lib/me.ts';

/**
 * Whether the signed-in user's address is confirmed, from GET /api/me. Its own entry under ['me'],
 * so the banner on every page does not stand in for the settings page's own fetch of the account,
 * and invalidating ['me'] refreshes both.
 */
export const verificationStatusQuery = (client: ApiClient) =>
  queryOptions({
    queryKey: ['me', 'verification'],
    queryFn: async ({ signal }) => {
      const { email, emailVerified } = await getMe(client, signal);
      return { email, emailVerified };
    },
  });
