import type { ReactNode } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { Page } from '../../../components/ui/page.tsx';
import { safeReturnTo } from '../../../lib/return-to.ts';
import { useSession } from '../../../lib/services.tsx';

/**
 * The sign-in and sign-up pages. Once a session exists (made here, or in another tab), they go on
 * to where the user was headed; a link to the other page keeps that place, so switching between
 * them does not lose it.
 */
export function SignedOutPage(props: { title: string; children: (keepReturnTo: (path: string) => string) => ReactNode }) {
  const session = useSession();
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get('returnTo'));
  if (session) return <Navigate to={returnTo} replace />;
  const keepReturnTo = (path: string) => (returnTo === '/' ? path : `${path}?returnTo=${encodeURIComponent(returnTo)}`);
  return (
    <Page title={props.title}>
      <div className="card narrow">{props.children(keepReturnTo)}</div>
    </Page>
  );
}
