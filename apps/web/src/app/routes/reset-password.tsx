import { ResetPasswordPage } from '../../features/password-reset/components/reset-password-page.tsx';

export function ResetPasswordRoute() {
  return <ResetPasswordPage />;
}
