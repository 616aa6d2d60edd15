import type { ApiClient } from '@spa-auth/http-client';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import type { WebConfig } from '../config.ts';
import { TimelineProvider } from '../features/timeline/timeline-context.tsx';
import type { TimelineStore } from '../features/timeline/timeline-store.ts';
import type { QueryClientSource } from '../lib/queries.ts';
import { ServicesProvider } from '../lib/services.tsx';

export type RestoreState = { status: 'pending' } | { status: 'done' } | { status: 'failed'; retry: () => void };
const RestoreContext = createContext<RestoreState>({ status: 'pending' });
export const useRestoreState = () => useContext(RestoreContext);

export function AppProvider(props: {
  client: ApiClient;
  timeline: TimelineStore;
  config: WebConfig;
  queries: QueryClientSource;
  children: ReactNode;
}) {
  const { client, timeline, config, queries } = props;
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
        if (event.type === 'session-changed' && event.session === null) queries.current()?.clear();
      }),
    [client, queries],
  );

  return (
    <ServicesProvider client={client} config={config} queries={queries}>
      <TimelineProvider store={timeline}>
        <RestoreContext.Provider value={restore}>{props.children}</RestoreContext.Provider>
      </TimelineProvider>
    </ServicesProvider>
  );
}
