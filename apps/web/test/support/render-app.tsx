import { createApiClient } from '@spa-auth/http-client';
import { render } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { StrictMode } from 'react';
import { createMemoryRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { onTestFinished, vi } from 'vitest';
import { AppProvider } from '../../src/app/provider.tsx';
import { createRoutes } from '../../src/app/router.tsx';
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
  const onSessionExpired = vi.fn((_info: { code: string }) => {
    // Exactly what main.tsx does: the client reports, the app navigates.
    void router.navigate(loginPath(router.state.location), { replace: true });
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
  const router = createMemoryRouter(createRoutes(config), { initialEntries: [path] });
  const user = userEvent.setup();
  const view = render(
    <StrictMode>
      <AppProvider client={client} timeline={timeline} config={config} queries={createQueryClientSource()}>
        <RouterProvider router={router} />
        <ReauthenticationDialog bridge={reauthentication} />
      </AppProvider>
    </StrictMode>,
  );
  onTestFinished(() => {
    client.dispose();
    router.dispose();
  });
  return {
    user,
    client,
    router,
    onSessionExpired,
    /** Closes the page, as a reload does: what survives is only what the API double holds (the cookie). */
    unmount: view.unmount,
    /** The current URL inside the app: path, query and hash. */
    url: () => `${router.state.location.pathname}${router.state.location.search}${router.state.location.hash}`,
  };
}
