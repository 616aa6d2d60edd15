import { createBrowserRouter } from 'react-router';
import { AdminRoute } from './routes/admin.tsx';
import { DashboardRoute } from './routes/dashboard.tsx';
import { RestoreGate } from './routes/gate.tsx';
import { Layout } from './routes/layout.tsx';
import { LoginRoute } from './routes/login.tsx';
import { NotFoundRoute } from './routes/not-found.tsx';
import { RegisterRoute } from './routes/register.tsx';
import { RequireAuth } from './routes/require-auth.tsx';
import { SessionsRoute } from './routes/sessions.tsx';
import { SettingsRoute } from './routes/settings.tsx';

export const routes = [
  {
    element: <RestoreGate />,
    children: [
      { path: '/login', element: <LoginRoute /> },
      { path: '/register', element: <RegisterRoute /> },
      {
        element: (
          <RequireAuth>
            <Layout />
          </RequireAuth>
        ),
        children: [
          { index: true, element: <DashboardRoute /> },
          { path: 'sessions', element: <SessionsRoute /> },
          { path: 'settings', element: <SettingsRoute /> },
          { path: 'admin', element: <AdminRoute /> },
        ],
      },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];

export const createAppRouter = () => createBrowserRouter(routes);
