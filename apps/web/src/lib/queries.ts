import type { QueryClient } from '@tanstack/react-query';

/**
 * The app's one QueryClient, made the first time a page that queries asks for it. The sign-in page
 * queries nothing, so TanStack Query is not in its first load: it comes, with the function that
 * makes the client, in the chunks of the pages that need it (lib/with-queries.tsx). `current()` is
 * the client once made, or null before.
 */
export type QueryClientSource = { get(make: () => QueryClient): QueryClient; current(): QueryClient | null };

export function createQueryClientSource(): QueryClientSource {
  let made: QueryClient | null = null;
  return {
    get: (make) => {
      made ??= make();
      return made;
    },
    current: () => made,
  };
}
