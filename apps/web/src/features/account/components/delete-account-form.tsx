import { useNavigate } from 'react-router';
import { Field } from '../../../components/ui/field.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { loginNotice } from '../../../lib/login-notice.ts';
import { useClient } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';
import { deleteAccount } from '../api/delete-account.ts';
import './delete-account-form.css';

/** What the user types to show they mean it: a click alone is too easy for what cannot be undone. */
export const CONFIRMATION_WORD = 'DELETE';

const MESSAGES = {
  insufficient_user_authentication: 'The account was not deleted: deleting it needs your password.',
};

export function DeleteAccountForm() {
  const client = useClient();
  const navigate = useNavigate();
  const form = useForm({ confirmation: '' }, MESSAGES);
  const confirmed = form.values.confirmation.trim() === CONFIRMATION_WORD;

  const submit = form.handleSubmit(async ({ confirmation }) => {
    if (confirmation.trim() !== CONFIRMATION_WORD) return undefined;
    await deleteAccount(client);
    // The API has ended every session of the account. Signing out here ends it in this tab and, over
    // the client's channel, in this browser's other tabs; the API answers 204 for a session that is gone.
    await client.logout().catch(() => {});
    // After the sign-out, so this navigation comes after the one the signed-out guard makes and carries the notice.
    await navigate('/login', { replace: true, state: loginNotice('Your account was deleted.') });
    return undefined;
  });

  return (
    <form onSubmit={submit} noValidate aria-labelledby="delete-account-heading" className="card">
      <h2 id="delete-account-heading">Delete my account</h2>
      <p>
        <strong>This cannot be undone.</strong> The account, its name and its sessions are deleted, and every device where it is signed in
        is signed out. The email address can then be used for a new account.
      </p>
      <FormStatus {...form.status} />
      <Field
        {...form.field('confirmation')}
        label={`Type ${CONFIRMATION_WORD} to confirm`}
        autoComplete="off"
        spellCheck={false}
        autoCapitalize="characters"
      />
      <button type="submit" className="button danger" disabled={form.busy || !confirmed}>
        {form.busy ? 'Deleting…' : 'Delete my account'}
      </button>
    </form>
  );
}
