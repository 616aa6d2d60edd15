import { Outlet } from 'react-router';
import { WithQueries } from '../../lib/with-queries.tsx';

/** Every page past the sign-in page: the app's QueryClient around them, made on the first visit to one. */
export function WithQueriesRoute() {
  return (
    <WithQueries>
      <Outlet />
    </WithQueries>
  );
}
