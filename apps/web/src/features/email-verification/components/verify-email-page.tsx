import type { ApiClient } from '@spa-auth/http-client';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Page } from '../../../components/ui/page.tsx';
import { useClient, useSession } from '../../../lib/services.tsx';
import { useLinkConfirmation } from '../../../lib/use-link-confirmation.ts';
import { verificationStatusQuery } from '../api/verification-status.ts';
import { verifyEmail } from '../api/verify-email.ts';
import { ResendLinkButton } from './resend-link-button.tsx';

type LinkProblem = 'link_invalid' | 'link_expired' | 'link_used';

const LINK_MESSAGES: Record<LinkProblem, string> = {
  link_invalid: 'This link is not valid. Open the whole link from the latest email we sent, or ask for a new one.',
  link_expired: 'This link has expired: a link to confirm an address works for 24 hours.',
  link_used: 'This link was already used. If you opened it before, your address is already confirmed.',
};
const LINK_PROBLEMS = Object.keys(LINK_MESSAGES) as LinkProblem[];
const apply = (client: ApiClient, token: string) => verifyEmail(client, { token });

/**
 * Where the emailed link leads, signed in or not (lib/use-link-confirmation.ts does the sending
 * once and the refresh, so the token states the address is verified and the banner goes).
 */
export function VerifyEmailPage() {
  const client = useClient();
  const session = useSession();
  const { token, outcome, retry } = useLinkConfirmation(apply, LINK_PROBLEMS);
  const me = useQuery({ ...verificationStatusQuery(client), enabled: session !== null && outcome.state === 'refused' });

  const onward = session ? <Link to="/">Go to the dashboard</Link> : <Link to="/login">Sign in</Link>;

  return (
    <Page title="Confirm your email address">
      <div className="card narrow stack" aria-live="polite">
        {outcome.state === 'confirming' ? <p role="status">Confirming your email address…</p> : null}
        {outcome.state === 'confirmed' ? (
          <>
            <Alert tone="success">Your email address is confirmed.</Alert>
            <p>{onward}</p>
          </>
        ) : null}
        {outcome.state === 'refused' ? (
          <>
            <Alert tone="error">{LINK_MESSAGES[outcome.code]}</Alert>
            {!session ? (
              <p>
                <Link to="/login">Sign in</Link> to ask for a new link.
              </p>
            ) : me.data && !me.data.emailVerified ? (
              <ResendLinkButton label="Send a new link" email={me.data.email} />
            ) : me.data ? (
              <p>
                Your address is confirmed. <Link to="/">Go to the dashboard</Link>
              </p>
            ) : null}
          </>
        ) : null}
        {outcome.state === 'failed' ? (
          <>
            <Alert tone="error">{outcome.message}</Alert>
            {token ? (
              <button type="button" className="button primary" onClick={retry}>
                Try again
              </button>
            ) : null}
          </>
        ) : null}
      </div>
    </Page>
  );
}
