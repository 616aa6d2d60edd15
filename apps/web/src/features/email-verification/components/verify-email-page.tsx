import { ApiError } from '@spa-auth/http-client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Page } from '../../../components/ui/page.tsx';
import { useLinkToken } from '../../../lib/link-token.ts';
import { meQuery } from '../../../lib/me.ts';
import { toFormProblem } from '../../../lib/problem.ts';
import { useClient, useSession } from '../../../lib/services.tsx';
import { verificationStatusQuery } from '../api/verification-status.ts';
import { verifyEmail } from '../api/verify-email.ts';
import { ResendLinkButton } from './resend-link-button.tsx';

type LinkProblem = 'link_invalid' | 'link_expired' | 'link_used';
type Outcome =
  | { state: 'confirming' }
  | { state: 'confirmed' }
  | { state: 'link'; code: LinkProblem }
  | { state: 'failed'; message: string };

const LINK_MESSAGES: Record<LinkProblem, string> = {
  link_invalid: 'This link is not valid. Open the whole link from the latest email we sent, or ask for a new one.',
  link_expired: 'This link has expired: a link to confirm an address works for 24 hours.',
  link_used: 'This link was already used. If you opened it before, your address is already confirmed.',
};

function outcomeOf(error: unknown): Outcome {
  if (error instanceof ApiError) {
    if (error.code === 'link_invalid' || error.code === 'link_expired' || error.code === 'link_used')
      return { state: 'link', code: error.code };
    // A token of the wrong shape: a link cut short or changed on its way.
    if (error.code === 'validation_failed') return { state: 'link', code: 'link_invalid' };
  }
  return { state: 'failed', message: toFormProblem(error).form ?? 'Something went wrong. Try again.' };
}

/**
 * Where the emailed link leads, signed in or not: applies the token from the fragment once. When
 * this browser is signed in, the session is refreshed (so the access token states the address is
 * verified) and /api/me is fetched again, so the banner goes.
 */
export function VerifyEmailPage() {
  const client = useClient();
  const session = useSession();
  const queryClient = useQueryClient();
  const token = useLinkToken();
  const [outcome, setOutcome] = useState<Outcome>(token ? { state: 'confirming' } : { state: 'link', code: 'link_invalid' });
  const me = useQuery({ ...verificationStatusQuery(client), enabled: session !== null && outcome.state === 'link' });

  const confirm = useCallback(
    async (linkToken: string) => {
      setOutcome({ state: 'confirming' });
      try {
        await verifyEmail(client, { token: linkToken });
      } catch (error) {
        setOutcome(outcomeOf(error));
        return;
      }
      if (client.getSession()) {
        // The address is confirmed either way; without this refresh the token would say so from its next one.
        await client.refreshSession().catch(() => {});
        // ['me'] and everything under it (the account, the banner's status), on screen or not, so
        // the signed-in pages show the confirmed address at once rather than the old answer first.
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
        {outcome.state === 'link' ? (
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
