import { createApiClient } from '@spa-auth/http-client';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { createOutsideNavigation } from './app/outside-navigation.tsx';
import { AppProvider, startRestore } from './app/provider.tsx';
import { AppRoutes, createRoutes } from './app/router.tsx';
import { loadWebConfig } from './config.ts';
import { ReauthenticationDialog } from './features/reauthentication/components/reauthentication-dialog.tsx';
import { createTimelineStore } from './features/timeline/timeline-store.ts';
import { createQueryClientSource } from './lib/queries.ts';
import { createReauthenticationBridge } from './lib/reauthentication.ts';
import { loginPath } from './lib/return-to.ts';
import './styles.css';

// The only module with side effects: configuration, the one API client, the router, rendering.
const root = document.getElementById('root') as HTMLElement;
try {
  const config = loadWebConfig(import.meta.env, window.location.origin);
  const reauthentication = createReauthenticationBridge();
  const navigation = createOutsideNavigation();
  const client = createApiClient({
    baseURL: config.apiUrl,
    // The notes service accepts the same access token (VITE_NOTES_URL).
    tokenOrigins: config.tokenOrigins,
    // The client reports; the app navigates (requirement 9.8, 9.10).
    onSessionExpired: () => navigation.navigate(loginPath, { replace: true }),
    // A sensitive action wants the password again: the dialog asks, and the client sends the action again.
    onReauthenticationRequired: reauthentication.ask,
  });
  const timeline = createTimelineStore(client);
  // The start-up refresh starts here, before React's first render, not from an effect after it.
  const restoring = startRestore(client);
  const routes = createRoutes(config);
  createRoot(root).render(
    <StrictMode>
      <AppProvider client={client} timeline={timeline} config={config} queries={createQueryClientSource()} restoring={restoring}>
        <BrowserRouter>
          <navigation.Bridge />
          <AppRoutes routes={routes} />
        </BrowserRouter>
        <ReauthenticationDialog bridge={reauthentication} />
      </AppProvider>
    </StrictMode>,
  );
} catch (error) {
  root.textContent = `spa-auth cannot start: ${(error as Error).message}`;
}
