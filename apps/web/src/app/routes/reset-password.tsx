import { useState } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { Alert } from '../../components/ui/alert.tsx';
import { Page } from '../../components/ui/page.tsx';
import { ResetPasswordPage } from '../../features/password-reset/components/reset-password-page.tsx';
import { SecondStepForm } from '../../features/second-factor/components/second-step-form.tsx';
import { loginNotice } from '../../lib/login-notice.ts';
import type { SignInChallenge } from '../../lib/second-factor.ts';
import { useSession } from '../../lib/services.tsx';

/**
 * The reset link's page, then, for an account with a second factor, the second step of the sign-in
 * the new password started. The challenge lives in this state only; giving up leads to the sign-in
 * page, where the new password works.
 */
export function ResetPasswordRoute() {
  const [challenge, setChallenge] = useState<SignInChallenge | null>(null);
  const session = useSession();
  const navigate = useNavigate();
  if (!challenge) return <ResetPasswordPage onSecondFactorRequired={setChallenge} />;
  if (session) return <Navigate to="/" replace />;
  return (
    <Page title="Finish signing in">
      <div className="card narrow">
        <Alert tone="success">Your new password is set.</Alert>
        <SecondStepForm
          challenge={challenge}
          restartLabel="Go to the sign-in page"
          onRestart={() => void navigate('/login', { replace: true, state: loginNotice('Your new password is set: sign in with it.') })}
        />
      </div>
    </Page>
  );
}
