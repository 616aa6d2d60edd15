import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { createQueryClient } from './query-client.ts';
import { useServices } from './services.tsx';

/**
 * Gives `children` the app's QueryClient, made here on first use. Imported only by code that is
 * loaded on demand (the routes past the sign-in page, the password prompt), so TanStack Query stays
 * out of the first load.
 */
export function WithQueries({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={useServices().queries.get(createQueryClient)}>{children}</QueryClientProvider>;
}
