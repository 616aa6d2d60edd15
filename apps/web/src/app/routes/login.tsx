import { useLocation } from 'react-router';
import { Alert } from '../../components/ui/alert.tsx';
import { LoginForm } from '../../features/auth/components/login-form.tsx';
import { SignedOutPage } from '../../features/auth/components/signed-out-page.tsx';
import { noticeOf } from '../../lib/login-notice.ts';

export function LoginRoute() {
  // A message from the page that sent the user here, such as "Your account was deleted."
  const notice = noticeOf(useLocation().state);
  return (
    <SignedOutPage title="Sign in">
      {(keepReturnTo) => (
        <>
          {notice ? <Alert tone="success">{notice}</Alert> : null}
          <LoginForm registerHref={keepReturnTo('/register')} />
        </>
      )}
    </SignedOutPage>
  );
}
