import { LoginForm } from '../../features/auth/components/login-form.tsx';
import { SignedOutPage } from '../../features/auth/components/signed-out-page.tsx';

export function LoginRoute() {
  return <SignedOutPage title="Sign in">{(keepReturnTo) => <LoginForm registerHref={keepReturnTo('/register')} />}</SignedOutPage>;
}
