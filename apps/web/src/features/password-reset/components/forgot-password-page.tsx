import { Link } from 'react-router';
import { EmailField } from '../../../components/ui/account-fields.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { Page } from '../../../components/ui/page.tsx';
import { useClient } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';
import { requestPasswordReset } from '../api/request-password-reset.ts';

// One answer whether or not an account has the address: the page must not tell which addresses have one.
const SENT = 'If an account uses this address, we sent it a link to choose a new password. The link works for 30 minutes.';
// The API's own words for a 429 say when the next link may be asked for.
const MESSAGES = { rate_limited: (error: Error) => error.message };

/** Asks for a link to choose a new password. */
export function ForgotPasswordPage() {
  const client = useClient();
  const form = useForm({ email: '' }, MESSAGES);

  const submit = form.handleSubmit(async ({ email }) => {
    await requestPasswordReset(client, { email });
    return SENT;
  });

  return (
    <Page title="Forgot your password?">
      <div className="card narrow">
        <form onSubmit={submit} noValidate>
          <p>Enter the email address of your account: we will send it a link to choose a new password.</p>
          <FormStatus {...form.status} />
          <EmailField {...form.field('email')} required />
          <button type="submit" className="button primary" disabled={form.busy}>
            {form.busy ? 'Sending…' : 'Send the link'}
          </button>
          <p>
            Remembered it? <Link to="/login">Sign in</Link>
          </p>
        </form>
      </div>
    </Page>
  );
}
