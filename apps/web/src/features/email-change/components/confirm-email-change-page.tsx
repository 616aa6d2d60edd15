import { ApiError } from '@spa-auth/http-client';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Page } from '../../../components/ui/page.tsx';
import { useLinkToken } from '../../../lib/link-token.ts';
import { meQuery } from '../../../lib/me.ts';
import { toFormProblem } from '../../../lib/problem.ts';
import { useClient, useSession } from '../../../lib/services.tsx';
import { confirmEmailChange } from '../api/change-email.ts';

type Refusal = 'link_invalid' | 'link_expired' | 'link_used' | 'email_taken';
type Outcome =
  | { state: 'confirming' }
  | { state: 'confirmed' }
  | { state: 'refused'; code: Refusal }
  | { state: 'failed'; message: string };

const REFUSALS: Record<Refusal, string> = {
  link_invalid: 'This link is not valid. Open the whole link from the latest email we sent, or ask for a new one in Settings.',
  link_expired: 'This link has expired: a link to confirm a new address works for 24 hours. Ask for a new one in Settings.',
  link_used: 'This link was already used. If you opened it before, your address has already changed.',
  email_taken: 'Another account uses this address now, so your address was not changed. Choose another one in Settings.',
};

function outcomeOf(error: unknown): Outcome {
  if (error instanceof ApiError) {
    if (error.code === 'link_invalid' || error.code === 'link_expired' || error.code === 'link_used' || error.code === 'email_taken')
      return { state: 'refused', code: error.code };
    // A token of the wrong shape: a link cut short or changed on its way.
    if (error.code === 'validation_failed') return { state: 'refused', code: 'link_invalid' };
  }
  return { state: 'failed', message: toFormProblem(error).form ?? 'Something went wrong. Try again.' };
}

/**
 * Where the link mailed to a new address leads, signed in or not: applies the token from the
 * fragment once. When this browser is signed in, the session is refreshed (so it carries the new
 * address) and /api/me is fetched again.
 */
export function ConfirmEmailChangePage() {
  const client = useClient();
  const session = useSession();
  const queryClient = useQueryClient();
  const token = useLinkToken();
  const [outcome, setOutcome] = useState<Outcome>(token ? { state: 'confirming' } : { state: 'refused', code: 'link_invalid' });

  const confirm = useCallback(
    async (linkToken: string) => {
      setOutcome({ state: 'confirming' });
      try {
        await confirmEmailChange(client, { token: linkToken });
      } catch (error) {
        setOutcome(outcomeOf(error));
        return;
      }
      if (client.getSession()) {
        // The address has changed either way; the refresh only brings this tab's session up to date.
        await client.refreshSession().catch(() => {});
        await queryClient.invalidateQueries({ queryKey: meQuery(client).queryKey, refetchType: 'all' });
      }
      setOutcome({ state: 'confirmed' });
    },
    [client, queryClient],
  );

  // Once per page: a link works once, so StrictMode's second effect run must not send it again.
  const sent = useRef(false);
  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    void confirm(token);
  }, [token, confirm]);

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
              <button type="button" className="button primary" onClick={() => void confirm(token)}>
                Try again
              </button>
            ) : null}
          </>
        ) : null}
      </div>
    </Page>
  );
}
