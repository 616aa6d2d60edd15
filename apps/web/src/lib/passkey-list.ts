import { PasskeysResponse } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';
import { queryOptions } from '@tanstack/react-query';

/** What a change of the account's passkeys invalidates: Settings' list and the re-authentication dialog's offer. */
export const PASSKEYS_KEY = ['passkeys'] as const;

/** The account's passkeys, oldest first (GET /api/me/passkeys): never a key. */
export const passkeysQuery = (client: ApiClient) =>
  queryOptions({
    queryKey: PASSKEYS_KEY,
    queryFn: async ({ signal }) => PasskeysResponse.parse((await client.http.get('/api/me/passkeys', { signal })).data).passkeys,
  });
