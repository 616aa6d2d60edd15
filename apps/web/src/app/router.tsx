import { createBrowserRouter, type RouteObject } from 'react-router';
import type { WebConfig } from '../config.ts';
import { RestoreGate } from './routes/gate.tsx';
import { LoginRoute } from './routes/login.tsx';
import { RequireAuth } from './routes/require-auth.tsx';

// The login page is the first page of every signed-out visit, so it is in the entry chunk; every
// other page is a chunk of its own, fetched when its route first matches. The router starts
// fetching the first page's chunk at start-up, alongside the session restore, so a signed-in
// reload does not wait for the restore and then for the chunk.
//
// The same "Loading…" the gate shows while the session is restored: a first page whose chunk is
// still on its way shows it too, so the two waits look like one.
const loading = (
  <main className="page centered" aria-busy="true">
    <p role="status">Loading…</p>
  </main>
);

/** The route when its setting is set; without it there is none, and its address is not found. */
const ifSet = (setting: string | null, route: RouteObject): RouteObject[] => (setting ? [route] : []);

/** The app's routes, from the configuration: a page whose service is not configured has none. */
export const createRoutes = (config: Pick<WebConfig, 'notesUrl'>): RouteObject[] => [
  {
    element: <RestoreGate />,
    hydrateFallbackElement: loading,
    children: [
      { path: '/login', element: <LoginRoute /> },
      {
        // TanStack Query comes with the first page past this one: the sign-in page queries nothing.
        lazy: async () => ({ Component: (await import('./routes/with-queries.tsx')).WithQueriesRoute }),
        children: [
          { path: '/register', lazy: async () => ({ Component: (await import('./routes/register.tsx')).RegisterRoute }) },
          {
            path: '/forgot-password',
            lazy: async () => ({ Component: (await import('./routes/forgot-password.tsx')).ForgotPasswordRoute }),
          },
          { path: '/reset-password', lazy: async () => ({ Component: (await import('./routes/reset-password.tsx')).ResetPasswordRoute }) },
          // Signed in or out: the link may be opened in another browser than the one that registered.
          { path: '/verify-email', lazy: async () => ({ Component: (await import('./routes/verify-email.tsx')).VerifyEmailRoute }) },
          {
            path: '/confirm-email-change',
            lazy: async () => ({ Component: (await import('./routes/confirm-email-change.tsx')).ConfirmEmailChangeRoute }),
          },
          {
            lazy: async () => {
              const { Layout } = await import('./routes/layout.tsx');
              return {
                element: (
                  <RequireAuth>
                    <Layout />
                  </RequireAuth>
                ),
              };
            },
            children: [
              { index: true, lazy: async () => ({ Component: (await import('./routes/dashboard.tsx')).DashboardRoute }) },
              { path: 'sessions', lazy: async () => ({ Component: (await import('./routes/sessions.tsx')).SessionsRoute }) },
              { path: 'activity', lazy: async () => ({ Component: (await import('./routes/activity.tsx')).ActivityRoute }) },
              { path: 'tokens', lazy: async () => ({ Component: (await import('./routes/api-tokens.tsx')).ApiTokensRoute }) },
              { path: 'settings', lazy: async () => ({ Component: (await import('./routes/settings.tsx')).SettingsRoute }) },
              ...ifSet(config.notesUrl, {
                path: 'notes',
                lazy: async () => ({ Component: (await import('./routes/notes.tsx')).NotesRoute }),
              }),
              { path: 'compare', lazy: async () => ({ Component: (await import('./routes/compare.tsx')).CompareRoute }) },
              { path: 'admin', lazy: async () => ({ Component: (await import('./routes/admin.tsx')).AdminRoute }) },
              {
                path: 'admin/users/:id/activity',
                lazy: async () => ({ Component: (await import('./routes/admin-user-activity.tsx')).AdminUserActivityRoute }),
              },
            ],
          },
          { path: '*', lazy: async () => ({ Component: (await import('./routes/not-found.tsx')).NotFoundRoute }) },
        ],
      },
    ],
  },
];

export const createAppRouter = (config: Pick<WebConfig, 'notesUrl'>) => createBrowserRouter(createRoutes(config));
