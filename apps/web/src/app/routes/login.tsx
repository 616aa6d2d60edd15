import { Navigate, useSearchParams } from 'react-router';
import { Page } from '../../components/ui/page.tsx';
import { LoginForm } from '../../features/auth/components/login-form.tsx';
import { safeReturnTo } from '../../lib/return-to.ts';
import { useSession } from '../../lib/services.tsx';

/** Once a session exists (signed in here, or in another tab), go where the user was headed. */
export function LoginRoute() {
  const session = useSession();
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get('returnTo'));
  if (session) return <Navigate to={returnTo} replace />;
  const registerHref = returnTo === '/' ? '/register' : `/register?returnTo=${encodeURIComponent(returnTo)}`;
  return (
    <Page title="Sign in">
      <div className="card narrow">
        <LoginForm registerHref={registerHref} />
      </div>
    </Page>
  );
}
