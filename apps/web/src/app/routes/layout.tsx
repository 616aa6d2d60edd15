import { NavLink, Outlet } from 'react-router';
import { VerificationBanner } from '../../features/email-verification/components/verification-banner.tsx';
import { useServices, useSession } from '../../lib/services.tsx';

export function Layout() {
  const { client, config } = useServices();
  const session = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <span className="brand">spa-auth</span>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Dashboard
          </NavLink>
          <NavLink to="/sessions">Sessions</NavLink>
          <NavLink to="/activity">Activity</NavLink>
          <NavLink to="/tokens">API tokens</NavLink>
          {config.notesUrl ? <NavLink to="/notes">Notes</NavLink> : null}
          <NavLink to="/settings">Settings</NavLink>
          <NavLink to="/compare">Compare</NavLink>
          <NavLink to="/admin">Admin</NavLink>
        </nav>
        <div className="who">
          <span>{session?.user.name}</span>
          {/* The guard takes the user to the login page once the session is gone. */}
          <button type="button" className="button" onClick={() => void client.logout().catch(() => {})}>
            Sign out
          </button>
        </div>
      </header>
      <VerificationBanner />
      <Outlet />
    </>
  );
}
