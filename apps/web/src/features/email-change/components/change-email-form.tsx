import { useQuery } from '@tanstack/react-query';
import { EmailField, PasswordField } from '../../../components/ui/account-fields.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { meQuery } from '../../../lib/me.ts';
import { useClient } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';
import { requestEmailChange } from '../api/change-email.ts';

const MESSAGES = {
  invalid_credentials: 'The current password is wrong.',
  service_unavailable: 'No email can be sent right now, so a new address cannot be confirmed. Try again later.',
};

/**
 * Asks for a new address. Nothing changes until the link mailed to it is opened, so a typo cannot
 * lock the user out; the answer is the same whether or not another account has the address.
 */
export function ChangeEmailForm() {
  const client = useClient();
  const me = useQuery(meQuery(client));
  const form = useForm({ currentPassword: '', newEmail: '' }, MESSAGES);

  const submit = form.handleSubmit(async ({ currentPassword, newEmail }) => {
    await requestEmailChange(client, { currentPassword, newEmail });
    form.setValues({ currentPassword: '' });
    return `We sent a link to ${newEmail.trim()}. Your address changes once you open it.`;
  });

  return (
    <form onSubmit={submit} noValidate aria-labelledby="email-heading" className="card">
      <h2 id="email-heading">Email address</h2>
      <p>
        {me.data ? (
          <>
            Your address is <strong>{me.data.email}</strong>.{' '}
          </>
        ) : null}
        We send a link to the new address, and it replaces the current one once you open it.
      </p>
      <FormStatus {...form.status} />
      <EmailField {...form.field('newEmail')} purpose="new" label="New email address" required />
      <PasswordField {...form.field('currentPassword')} purpose="current" label="Current password" required />
      <button type="submit" className="button primary" disabled={form.busy}>
        {form.busy ? 'Sending…' : 'Change email'}
      </button>
    </form>
  );
}
