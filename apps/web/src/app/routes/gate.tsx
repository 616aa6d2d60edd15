import { Outlet } from 'react-router';
import { useRestoreState } from '../provider.tsx';

/** Until the start-up refresh answers, a neutral screen: never a flash of the login page for a signed-in user. */
export function RestoreGate() {
  const restore = useRestoreState();
  if (restore.status === 'pending') {
    return (
      <main className="page centered" aria-busy="true">
        <p role="status">Loading…</p>
      </main>
    );
  }
  if (restore.status === 'failed') {
    return (
      <main className="page centered">
        <h1>Cannot reach the server</h1>
        <p>The session could not be checked. Your sign-in is kept; try again when the connection is back.</p>
        <button type="button" className="button primary" onClick={restore.retry}>
          Try again
        </button>
      </main>
    );
  }
  return <Outlet />;
}
