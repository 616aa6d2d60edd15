import { type ApiClient, ApiError } from '@spa-auth/http-client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import type { WebConfig } from '../config.ts';
import { TimelineProvider } from '../features/timeline/timeline-context.tsx';
import type { TimelineStore } from '../features/timeline/timeline-store.ts';
import { ServicesProvider } from '../lib/services.tsx';

export type RestoreState = { status: 'pending' } | { status: 'done' } | { status: 'failed'; retry: () => void };
const RestoreContext = createContext<RestoreState>({ status: 'pending' });
export const useRestoreState = () => useContext(RestoreContext);

/** Client errors worth a retry are the API's own trouble; a 4xx will not change by asking again. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status !== null && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: shouldRetry, staleTime: 10_000 }, mutations: { retry: false } } });
}

export function AppProvider(props: {
  client: ApiClient;
  timeline: TimelineStore;
  config: WebConfig;
  queryClient: QueryClient;
  children: ReactNode;
}) {
  const { client, timeline, config, queryClient } = props;
  const [restore, setRestore] = useState<RestoreState>({ status: 'pending' });

  useEffect(() => {
    // StrictMode runs this twice; restore() is single-flight, so there is still one refresh.
    let live = true;
    const run = () =>
      client.restore().then(
        () => live && setRestore({ status: 'done' }),
        () =>
          live &&
          setRestore({
            status: 'failed',
            retry: () => {
              setRestore({ status: 'pending' });
              run();
            },
          }),
      );
    run();
    return () => {
      live = false;
    };
  }, [client]);

  useEffect(
    () =>
      // Another user's data must never show after a sign-out or a session end.
      client.subscribe((event) => {
        if (event.type === 'session-changed' && event.session === null) queryClient.clear();
      }),
    [client, queryClient],
  );

  return (
    <ServicesProvider client={client} config={config}>
      <TimelineProvider store={timeline}>
        <QueryClientProvider client={queryClient}>
          <RestoreContext.Provider value={restore}>{props.children}</RestoreContext.Provider>
        </QueryClientProvider>
      </TimelineProvider>
    </ServicesProvider>
  );
}
