import type { ApiClient } from '@spa-auth/http-client';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Page } from '../../../components/ui/page.tsx';
import { useSession } from '../../../lib/services.tsx';
import { useLinkConfirmation } from '../../../lib/use-link-confirmation.ts';
import { confirmEmailChange } from '../api/change-email.ts';

type Refusal = 'link_invalid' | 'link_expired' | 'link_used' | 'email_taken';

const REFUSALS: Record<Refusal, string> = {
  link_invalid: 'This link is not valid. Open the whole link from the latest email we sent, or ask for a new one in Settings.',
  link_expired: 'This link has expired: a link to confirm a new address works for 24 hours. Ask for a new one in Settings.',
  link_used: 'This link was already used. If you opened it before, your address has already changed.',
  email_taken: 'Another account uses this address now, so your address was not changed. Choose another one in Settings.',
};
const REFUSAL_CODES = Object.keys(REFUSALS) as Refusal[];
const apply = (client: ApiClient, token: string) => confirmEmailChange(client, { token });

/**
 * Where the link mailed to a new address leads, signed in or not (lib/use-link-confirmation.ts does
 * the sending once and the refresh).
 */
export function ConfirmEmailChangePage() {
  const session = useSession();
  const { token, outcome, retry } = useLinkConfirmation(apply, REFUSAL_CODES);

  const onward = session ? <Link to="/settings">Go to Settings</Link> : <Link to="/login">Sign in</Link>;

  return (
    <Page title="Confirm your new email address">
      <div className="card narrow stack" aria-live="polite">
        {outcome.state === 'confirming' ? <p role="status">Changing your email address…</p> : null}
        {outcome.state === 'confirmed' ? (
          <>
            <Alert tone="success">Your email address is changed. Sign in with the new address from now on.</Alert>
            <p>{onward}</p>
          </>
        ) : null}
        {outcome.state === 'refused' ? (
          <>
            <Alert tone="error">{REFUSALS[outcome.code]}</Alert>
            <p>{onward}</p>
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
