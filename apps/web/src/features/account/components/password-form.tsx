import { useState } from 'react';
import { Field } from '../../../components/ui/field.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { useClient } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';
import { changePassword } from '../api/update-account.ts';

const FIELDS = ['currentPassword', 'newPassword'] as const;
const MESSAGES = { invalid_credentials: 'The current password is wrong.' };

export function PasswordForm() {
  const client = useClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [saved, setSaved] = useState(false);
  const { problem, alertRef, field, busy, handleSubmit } = useForm(FIELDS, MESSAGES);

  const submit = handleSubmit(async () => {
    setSaved(false);
    await changePassword(client, current, next);
    setCurrent('');
    setNext('');
    setSaved(true);
  });

  return (
    <form onSubmit={submit} noValidate aria-labelledby="password-heading" className="card">
      <h2 id="password-heading">Password</h2>
      <p>Changing the password signs out every other session of this account.</p>
      <FormStatus
        ref={alertRef}
        error={problem.form}
        success={saved ? 'Your password was changed. Other sessions were signed out.' : null}
      />
      <Field
        {...field('currentPassword')}
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
      />
      <Field
        {...field('newPassword')}
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="12 to 128 characters."
        value={next}
        onChange={(e) => setNext(e.target.value)}
      />
      <button type="submit" className="button primary" disabled={busy}>
        Change password
      </button>
    </form>
  );
}
