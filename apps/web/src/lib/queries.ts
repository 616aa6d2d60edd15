import type { QueryClient } from '@tanstack/react-query';

/**
 * The app's one QueryClient, made the first time a page that queries asks for it. The sign-in page
 * queries nothing, so TanStack Query is not in its first load: it comes with the first page that
 * needs it (lib/with-queries.tsx). `current()` is the client once made, or null before.
 */
export type QueryClientSource = { get(): Promise<QueryClient>; current(): QueryClient | null };

export function createQueryClientSource(): QueryClientSource {
  let made: QueryClient | null = null;
  let making: Promise<QueryClient> | null = null;
  return {
    get: () => {
      making ??= import('./query-client.ts').then(({ createQueryClient }) => {
        made = createQueryClient();
        return made;
      });
      return making;
    },
    current: () => made,
  };
}
