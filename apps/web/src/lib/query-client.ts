import { ApiError } from '@spa-auth/http-client';
import { QueryClient } from '@tanstack/react-query';

/** Client errors worth a retry are the API's own trouble; a 4xx will not change by asking again. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status !== null && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: shouldRetry, staleTime: 10_000 }, mutations: { retry: false } } });
}
