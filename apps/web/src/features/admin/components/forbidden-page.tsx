import { Link } from 'react-router';
import { Page } from '../../../components/ui/page.tsx';

/** The API's 403 insufficient_scope: not a token problem, so the user stays signed in and is told why. */
export function ForbiddenPage() {
  return (
    <Page title="Forbidden">
      <p>This page is for administrators, and your account does not have the admin role.</p>
      <p>
        <Link to="/">Back to the dashboard</Link>
      </p>
    </Page>
  );
}
