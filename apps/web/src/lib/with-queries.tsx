import { QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, use } from 'react';
import { useServices } from './services.tsx';

/**
 * Gives `children` the app's QueryClient. Imported only by code that is loaded on demand (the
 * routes past the sign-in page, the password prompt), so TanStack Query stays out of the first
 * load; suspends, under the caller's Suspense, until the client is made.
 */
export function WithQueries({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={use(useServices().queries.get())}>{children}</QueryClientProvider>;
}
