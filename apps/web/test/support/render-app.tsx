import { createApiClient } from '@spa-auth/http-client';
import { render } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { StrictMode } from 'react';
import { MemoryRouter } from 'react-router';
import { onTestFinished, vi } from 'vitest';
import { createOutsideNavigation } from '../../src/app/outside-navigation.tsx';
import { AppProvider, startRestore } from '../../src/app/provider.tsx';
import { AppRoutes, createRoutes } from '../../src/app/router.tsx';
import { loadWebConfig } from '../../src/config.ts';
import { ReauthenticationDialog } from '../../src/features/reauthentication/components/reauthentication-dialog.tsx';
import { createTimelineStore } from '../../src/features/timeline/timeline-store.ts';
import { createQueryClientSource } from '../../src/lib/queries.ts';
import { createReauthenticationBridge } from '../../src/lib/reauthentication.ts';
import { loginPath } from '../../src/lib/return-to.ts';
import { API_URL } from './api-double.ts';

/**
 * Renders the real app as main.tsx does (StrictMode, the real client, query client, provider and
 * routes) at `path`, in a memory router. Only the browser-wide seams (tab channel, page lifecycle)
 * are switched off, so tests do not hear each other. The client talks HTTP to the API double.
 */
export function renderApp(path: string, options: { showDemoUsers?: boolean; notesUrl?: string } = {}) {
  // The real configuration step, as main.tsx runs it: VITE_NOTES_URL decides the Notes page and the token origins.
  const config = loadWebConfig(
    { VITE_API_URL: API_URL, VITE_NOTES_URL: options.notesUrl, DEV: options.showDemoUsers ?? false },
    globalThis.location.origin,
  );
  const navigation = createOutsideNavigation();
  const onSessionExpired = vi.fn((_info: { code: string }) => {
    // Exactly what main.tsx does: the client reports, the app navigates.
    navigation.navigate(loginPath, { replace: true });
  });
  const reauthentication = createReauthenticationBridge();
  const client = createApiClient({
    baseURL: config.apiUrl,
    tokenOrigins: config.tokenOrigins,
    onSessionExpired,
    onReauthenticationRequired: reauthentication.ask,
    seams: { channel: null, lifecycle: null },
  });
  const timeline = createTimelineStore(client);
  const restoring = startRestore(client);
  const user = userEvent.setup();
  const view = render(
    <StrictMode>
      <AppProvider client={client} timeline={timeline} config={config} queries={createQueryClientSource()} restoring={restoring}>
        <MemoryRouter initialEntries={[path]}>
          <navigation.Bridge />
          <AppRoutes routes={createRoutes(config)} />
        </MemoryRouter>
        <ReauthenticationDialog bridge={reauthentication} />
      </AppProvider>
    </StrictMode>,
  );
  onTestFinished(() => {
    client.dispose();
  });
  return {
    user,
    client,
    /** Navigates inside the app, as a link would. */
    navigate: (to: string) => navigation.navigate(to),
    onSessionExpired,
    /** Closes the page, as a reload does: what survives is only what the API double holds (the cookie). */
    unmount: view.unmount,
    /** The current URL inside the app: path, query and hash. */
    url: () => {
      const location = navigation.location();
      return location ? `${location.pathname}${location.search}${location.hash}` : '';
    },
  };
}
