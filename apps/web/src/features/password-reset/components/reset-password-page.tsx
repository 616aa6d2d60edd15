import { ApiError } from '@spa-auth/http-client';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { PasswordField } from '../../../components/ui/account-fields.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { Page } from '../../../components/ui/page.tsx';
import { useLinkToken } from '../../../lib/link-token.ts';
import { type SignInChallenge, signInChallengeOf } from '../../../lib/second-factor.ts';
import { useClient } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';

type LinkProblem = 'link_invalid' | 'link_expired' | 'link_used';

const LINK_MESSAGES: Record<LinkProblem, string> = {
  link_invalid: 'This link is not valid. Open the whole link from the latest email we sent, or ask for a new one.',
  link_expired: 'This link has expired: a link to choose a new password works for 30 minutes.',
  link_used: 'This link was already used. Each link sets a password once; ask for a new one if you still need it.',
};

function linkProblemOf(error: unknown): LinkProblem | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'link_invalid' || error.code === 'link_expired' || error.code === 'link_used') return error.code;
  // A token of the wrong shape (a link cut short or changed on its way) is refused as a field of its own.
  if (error.code === 'validation_failed' && error.problem?.errors?.some((e) => e.path === 'token')) return 'link_invalid';
  return null;
}

/**
 * Where the emailed reset link leads: the token from the fragment and a new password set the
 * password and sign this browser in (every other session of the account ends), then the dashboard.
 * An account with a second factor is not signed in by a mailbox alone (requirement 17.12): the
 * password is set, and the API's challenge goes to `onSecondFactorRequired` for the second step.
 */
export function ResetPasswordPage(props: { onSecondFactorRequired: (challenge: SignInChallenge) => void }) {
  const client = useClient();
  const navigate = useNavigate();
  const token = useLinkToken();
  const [linkProblem, setLinkProblem] = useState<LinkProblem | null>(token ? null : 'link_invalid');
  const form = useForm({ newPassword: '' });
  const linkAlert = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (linkProblem && token) linkAlert.current?.focus();
  }, [linkProblem, token]);

  const submit = form.handleSubmit(async ({ newPassword }) => {
    try {
      await client.resetPassword({ token: token ?? '', newPassword });
    } catch (error) {
      const challenge = signInChallengeOf(error);
      if (challenge) {
        props.onSecondFactorRequired(challenge);
        return undefined;
      }
      const problem = linkProblemOf(error);
      if (!problem) throw error;
      setLinkProblem(problem);
      return undefined;
    }
    await navigate('/', { replace: true });
    return undefined;
  });

  return (
    <Page title="Choose a new password">
      <div className="card narrow">
        {linkProblem ? (
          <div className="stack">
            <Alert ref={linkAlert} tone="error">
              {LINK_MESSAGES[linkProblem]}
            </Alert>
            <p>
              <Link to="/forgot-password">Ask for a new link</Link>
            </p>
          </div>
        ) : (
          <form onSubmit={submit} noValidate>
            <p>Setting a new password signs out every session of your account, and signs you in here.</p>
            <FormStatus {...form.status} />
            <PasswordField {...form.field('newPassword')} purpose="new" label="New password" required />
            <button type="submit" className="button primary" disabled={form.busy}>
              {form.busy ? 'Saving…' : 'Set the new password'}
            </button>
          </form>
        )}
      </div>
    </Page>
  );
}
