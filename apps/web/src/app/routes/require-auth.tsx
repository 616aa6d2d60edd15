import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { loginPath } from '../../lib/return-to.ts';
import { useSession } from '../../lib/services.tsx';

/** Protected pages: without a session, to /login?returnTo=<this page>, replacing the history entry. */
export function RequireAuth(props: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) return <Navigate to={loginPath(location)} replace />;
  return props.children;
}
