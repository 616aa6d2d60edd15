import { RegisterForm } from '../../features/auth/components/register-form.tsx';
import { SignedOutPage } from '../../features/auth/components/signed-out-page.tsx';

export function RegisterRoute() {
  return <SignedOutPage title="Create an account">{(keepReturnTo) => <RegisterForm loginHref={keepReturnTo('/login')} />}</SignedOutPage>;
}
