import { VerifyEmailPage } from '../../features/email-verification/components/verify-email-page.tsx';

export function VerifyEmailRoute() {
  return <VerifyEmailPage />;
}
