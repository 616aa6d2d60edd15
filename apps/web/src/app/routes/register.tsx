import { Navigate, useSearchParams } from 'react-router';
import { Page } from '../../components/ui/page.tsx';
import { RegisterForm } from '../../features/auth/components/register-form.tsx';
import { safeReturnTo } from '../../lib/return-to.ts';
import { useSession } from '../../lib/services.tsx';

export function RegisterRoute() {
  const session = useSession();
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get('returnTo'));
  if (session) return <Navigate to={returnTo} replace />;
  const loginHref = returnTo === '/' ? '/login' : `/login?returnTo=${encodeURIComponent(returnTo)}`;
  return (
    <Page title="Create an account">
      <div className="card narrow">
        <RegisterForm loginHref={loginHref} />
      </div>
    </Page>
  );
}
