import { PasswordField } from '../../../components/ui/account-fields.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { useClient } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';
import { changePassword } from '../api/update-account.ts';

const MESSAGES = { invalid_credentials: 'The current password is wrong.' };

export function PasswordForm() {
  const client = useClient();
  const form = useForm({ currentPassword: '', newPassword: '' }, MESSAGES);

  const submit = form.handleSubmit(async ({ currentPassword, newPassword }) => {
    await changePassword(client, currentPassword, newPassword);
    form.setValues({ currentPassword: '', newPassword: '' });
    return 'Your password was changed. Other sessions were signed out.';
  });

  return (
    <form onSubmit={submit} noValidate aria-labelledby="password-heading" className="card">
      <h2 id="password-heading">Password</h2>
      <p>Changing the password signs out every other session of this account.</p>
      <FormStatus {...form.status} />
      <PasswordField {...form.field('currentPassword')} purpose="current" label="Current password" />
      <PasswordField {...form.field('newPassword')} purpose="new" label="New password" />
      <button type="submit" className="button primary" disabled={form.busy}>
        Change password
      </button>
    </form>
  );
}
