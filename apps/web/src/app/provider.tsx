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

/**
 * Starts the start-up restore for `AppProvider`'s `restoring`, to be called before the first render:
 * the refresh is then on its way while React renders (on a slow phone, a few hundred milliseconds it
 * no longer waits for). The provider waits for the promise and reports its failure; the catch here
 * only keeps an early failure from counting as unhandled before the provider is there.
 */
export function startRestore(client: ApiClient): Promise<unknown> {
  const restoring = client.restore();
  restoring.catch(() => {});
  return restoring;
}

export function AppProvider(props: {
  client: ApiClient;
  timeline: TimelineStore;
  config: WebConfig;
  queries: QueryClientSource;
  /** The start-up restore, from `startRestore` before the first render. A retry starts a new one. */
  restoring: Promise<unknown>;
  children: ReactNode;
}) {
  const { client, timeline, config, queries, restoring } = props;
  const [restore, setRestore] = useState<RestoreState>({ status: 'pending' });

  useEffect(() => {
    // StrictMode runs this twice: both runs wait for the same restore, so there is still one refresh.
    let live = true;
    const wait = (attempt: Promise<unknown>) =>
      attempt.then(
        () => live && setRestore({ status: 'done' }),
        () =>
          live &&
          setRestore({
            status: 'failed',
            retry: () => {
              setRestore({ status: 'pending' });
              wait(client.restore());
            },
          }),
      );
    wait(restoring);
    return () => {
      live = false;
    };
  }, [client, restoring]);

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
