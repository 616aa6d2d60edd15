import { lazy, Suspense, useState } from 'react';
import { useLocation } from 'react-router';
import { Alert } from '../../components/ui/alert.tsx';
import { LoginForm } from '../../features/auth/components/login-form.tsx';
import { SignedOutPage } from '../../features/auth/components/signed-out-page.tsx';
import { noticeOf } from '../../lib/login-notice.ts';
import type { SignInChallenge } from '../../lib/second-factor.ts';

// Only accounts with a second factor see it, after their password: a chunk of its own keeps it out
// of the sign-in page's first load.
const SecondStepForm = lazy(async () => ({
  default: (await import('../../features/second-factor/components/second-step-form.tsx')).SecondStepForm,
}));

/**
 * Where the sign-in is: the password, or the second step with the challenge the password answered
 * with. In this component's state only: a reload forgets the challenge and asks for the password.
 */
type Step = { at: 'password'; email?: string; notice: string | null } | { at: 'second-factor'; email: string; challenge: SignInChallenge };

export function LoginRoute() {
  // A message from the page that sent the user here, such as "Your account was deleted."
  const notice = noticeOf(useLocation().state);
  const [step, setStep] = useState<Step>({ at: 'password', notice: null });
  return (
    <SignedOutPage title="Sign in">
      {(keepReturnTo) =>
        step.at === 'second-factor' ? (
          <Suspense fallback={<p role="status">Loading…</p>}>
            <SecondStepForm
              challenge={step.challenge}
              onRestart={(restartNotice) => setStep({ at: 'password', email: step.email, notice: restartNotice })}
            />
          </Suspense>
        ) : (
          <>
            {notice && !step.notice ? <Alert tone="success">{notice}</Alert> : null}
            {step.notice ? <Alert tone="error">{step.notice}</Alert> : null}
            <LoginForm
              registerHref={keepReturnTo('/register')}
              {...(step.email !== undefined ? { email: step.email } : {})}
              onSecondFactorRequired={(challenge, email) => setStep({ at: 'second-factor', email, challenge })}
            />
          </>
        )
      }
    </SignedOutPage>
  );
}
