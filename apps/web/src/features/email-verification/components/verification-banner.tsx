import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../../lib/services.tsx';
import { verificationStatusQuery } from '../api/verification-status.ts';
import { ResendLinkButton } from './resend-link-button.tsx';

/**
 * Shown on every signed-in page while the account's address is unconfirmed. It reads GET /api/me
 * (not the access token), so it goes as soon as the verification page refetches it.
 */
export function VerificationBanner() {
  const client = useClient();
  const me = useQuery(verificationStatusQuery(client));
  if (!me.data || me.data.emailVerified) return null;
  return (
    <section className="banner" aria-label="Email address not confirmed">
      <p>
        Confirm your email address: we sent a link to <strong>{me.data.email}</strong>.
      </p>
      <ResendLinkButton label="Send the link again" email={me.data.email} />
    </section>
  );
}
