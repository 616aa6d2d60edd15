import type { ApiClient, Session } from '@spa-auth/http-client';
import { createContext, type ReactNode, useContext, useMemo, useSyncExternalStore } from 'react';
import type { WebConfig } from '../config.ts';
import type { QueryClientSource } from './queries.ts';

/**
 * What every feature may ask of the running app: the one API client, the validated configuration,
 * and the one QueryClient (made on first use). Here rather than in app/, so that features depend on
 * lib/ and never on the app that composes them; app/provider.tsx is what provides it.
 */
export type Services = { client: ApiClient; config: WebConfig; queries: QueryClientSource };

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider(props: Services & { children: ReactNode }) {
  const { client, config, queries } = props;
  const services = useMemo(() => ({ client, config, queries }), [client, config, queries]);
  return <ServicesContext.Provider value={services}>{props.children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices needs a <ServicesProvider> (app/provider.tsx renders one)');
  return services;
}

export function useClient(): ApiClient {
  return useServices().client;
}

/** The signed-in user's session, or null; re-renders when it changes (in this tab or another). */
export function useSession(): Session | null {
  const { client } = useServices();
  return useSyncExternalStore(client.subscribe, client.getSession);
}
