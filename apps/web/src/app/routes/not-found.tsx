import { Link } from 'react-router';
import { Page } from '../../components/ui/page.tsx';

export function NotFoundRoute() {
  return (
    <Page title="Page not found">
      <p>
        There is nothing at this address. <Link to="/">Go to the dashboard</Link>.
      </p>
    </Page>
  );
}
