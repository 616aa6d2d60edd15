import { ForgotPasswordPage } from '../../features/password-reset/components/forgot-password-page.tsx';

export function ForgotPasswordRoute() {
  return <ForgotPasswordPage />;
}
