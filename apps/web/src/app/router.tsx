import { Component, type ComponentType, type ReactNode, useEffect, useState } from 'react';
import { matchRoutes, type RouteObject, useLocation, useRoutes } from 'react-router';
import type { WebConfig } from '../config.ts';
import { RestoreGate } from './routes/gate.tsx';
import { LoginRoute } from './routes/login.tsx';
import { RequireAuth } from './routes/require-auth.tsx';

// React Router's declarative mode (<BrowserRouter> and useRoutes), not its data router: the app loads
// no data through the router, and the data router's code was an eighth of the first load (17.8 kB
// gzip of 133.3, docs/performance.md).
//
// The login page is the first page of every signed-out visit, so it is in the entry chunk; every
// other page is a chunk of its own. The chunks an address needs are all fetched as soon as the
// address is known (at start-up, alongside the session restore, and at each navigation), rather than
// each when its parent has rendered: a signed-in reload of /sessions fetches TanStack Query, the
// layout and the page at once, and does not wait for the restore first.
//
// The same "Loading…" the gate shows while the session is restored: a page whose chunk is still on
// its way shows it too, so the two waits look like one.
const loading = (
  <main className="page centered" aria-busy="true">
    <p role="status">Loading…</p>
  </main>
);

type Preload = () => Promise<unknown>;

/**
 * A component in a chunk of its own, fetched when it first renders or when `preload` is called: until
 * it has arrived the page shows "Loading…", and once it has, it renders at once wherever it is used.
 * A fetch that failed (a network error, or a chunk gone after a deploy) is thrown to the page's error
 * boundary and tried again the next time. State and an effect rather than React.lazy and Suspense:
 * the same on screen, and it renders the same in the web tests' DOM, where a suspended render was
 * not tried again once its chunk had arrived.
 */
function chunk(load: () => Promise<ComponentType>): { Page: ComponentType; preload: Preload } {
  let loaded: ComponentType | undefined;
  let fetching: Promise<ComponentType> | undefined;
  const preload = () => {
    fetching ??= load().then(
      (component) => {
        loaded = component;
        return component;
      },
      (error: unknown) => {
        fetching = undefined;
        throw error;
      },
    );
    return fetching;
  };
  function Page() {
    const [arrived, setArrived] = useState<{ component: ComponentType } | { failure: unknown } | undefined>(() =>
      loaded ? { component: loaded } : undefined,
    );
    useEffect(() => {
      if (arrived) return;
      let live = true;
      preload().then(
        (component) => live && setArrived({ component }),
        (failure: unknown) => live && setArrived({ failure }),
      );
      return () => {
        live = false;
      };
    }, [arrived]);
    if (!arrived) return loading;
    if ('failure' in arrived) throw arrived.failure;
    const Loaded = arrived.component;
    return <Loaded />;
  }
  return { Page, preload };
}

/** A route's element in a chunk of its own, with the preload the router starts it with. */
function lazyPage(load: () => Promise<ComponentType>): Pick<RouteObject, 'element' | 'handle'> {
  const { Page, preload } = chunk(load);
  return { element: <Page />, handle: { preload } };
}

const Layout = chunk(() => import('./routes/layout.tsx').then((m) => m.Layout));

/** The route when its setting is set; without it there is none, and its address is not found. */
const ifSet = (setting: string | null, route: RouteObject): RouteObject[] => (setting ? [route] : []);

/** The app's routes, from the configuration: a page whose service is not configured has none. */
export const createRoutes = (config: Pick<WebConfig, 'notesUrl'>): RouteObject[] => [
  {
    element: <RestoreGate />,
    children: [
      { path: '/login', element: <LoginRoute /> },
      {
        // TanStack Query comes with the first page past this one: the sign-in page queries nothing.
        ...lazyPage(() => import('./routes/with-queries.tsx').then((m) => m.WithQueriesRoute)),
        children: [
          { path: '/register', ...lazyPage(() => import('./routes/register.tsx').then((m) => m.RegisterRoute)) },
          { path: '/forgot-password', ...lazyPage(() => import('./routes/forgot-password.tsx').then((m) => m.ForgotPasswordRoute)) },
          { path: '/reset-password', ...lazyPage(() => import('./routes/reset-password.tsx').then((m) => m.ResetPasswordRoute)) },
          // Signed in or out: the link may be opened in another browser than the one that registered.
          { path: '/verify-email', ...lazyPage(() => import('./routes/verify-email.tsx').then((m) => m.VerifyEmailRoute)) },
          {
            path: '/confirm-email-change',
            ...lazyPage(() => import('./routes/confirm-email-change.tsx').then((m) => m.ConfirmEmailChangeRoute)),
          },
          {
            // Signed out, straight to the login page: the layout's chunk is not waited for.
            element: (
              <RequireAuth>
                <Layout.Page />
              </RequireAuth>
            ),
            handle: { preload: Layout.preload },
            children: [
              { index: true, ...lazyPage(() => import('./routes/dashboard.tsx').then((m) => m.DashboardRoute)) },
              { path: 'sessions', ...lazyPage(() => import('./routes/sessions.tsx').then((m) => m.SessionsRoute)) },
              { path: 'activity', ...lazyPage(() => import('./routes/activity.tsx').then((m) => m.ActivityRoute)) },
              { path: 'tokens', ...lazyPage(() => import('./routes/api-tokens.tsx').then((m) => m.ApiTokensRoute)) },
              { path: 'settings', ...lazyPage(() => import('./routes/settings.tsx').then((m) => m.SettingsRoute)) },
              ...ifSet(config.notesUrl, { path: 'notes', ...lazyPage(() => import('./routes/notes.tsx').then((m) => m.NotesRoute)) }),
              { path: 'compare', ...lazyPage(() => import('./routes/compare.tsx').then((m) => m.CompareRoute)) },
              { path: 'admin', ...lazyPage(() => import('./routes/admin.tsx').then((m) => m.AdminRoute)) },
              {
                path: 'admin/users/:id/activity',
                ...lazyPage(() => import('./routes/admin-user-activity.tsx').then((m) => m.AdminUserActivityRoute)),
              },
            ],
          },
          { path: '*', ...lazyPage(() => import('./routes/not-found.tsx').then((m) => m.NotFoundRoute)) },
        ],
      },
    ],
  },
];

/** Starts fetching every chunk the routes matching `pathname` need, all at once. */
function preloadRoutes(routes: RouteObject[], pathname: string): void {
  for (const { route } of matchRoutes(routes, pathname) ?? []) {
    void (route.handle as { preload?: Preload } | undefined)?.preload?.().catch(() => {
      // Rendering the route fetches it again and shows the failure.
    });
  }
}

/**
 * A page that could not be shown (its chunk could not be fetched, or it failed to render): say so,
 * and offer the reload that fetches the app again. Another address is tried afresh.
 */
class PageFailure extends Component<{ pathname: string; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidUpdate(previous: { pathname: string }) {
    if (this.state.failed && previous.pathname !== this.props.pathname) this.setState({ failed: false });
  }
  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <main className="page centered">
        <h1>This page could not be shown</h1>
        <p>The connection may have failed, or a new version of the app was published. Reloading the page fetches the app again.</p>
        <button type="button" className="button primary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </main>
    );
  }
}

/** The routes, rendered inside a router (<BrowserRouter> in main.tsx, <MemoryRouter> in the tests). */
export function AppRoutes(props: { routes: RouteObject[] }) {
  const { pathname } = useLocation();
  // Idempotent: a chunk is fetched once, whatever the number of renders.
  preloadRoutes(props.routes, pathname);
  const page = useRoutes(props.routes);
  return <PageFailure pathname={pathname}>{page}</PageFailure>;
}
