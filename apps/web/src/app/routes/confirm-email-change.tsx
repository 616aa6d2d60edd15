import { ConfirmEmailChangePage } from '../../features/email-change/components/confirm-email-change-page.tsx';

export function ConfirmEmailChangeRoute() {
  return <ConfirmEmailChangePage />;
}
