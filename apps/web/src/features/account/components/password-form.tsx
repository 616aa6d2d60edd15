import { type FormEvent, useState } from 'react';
import { useClient } from '../../../app/provider.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { useFormProblem } from '../../auth/components/use-form-problem.ts';
import { changePassword } from '../api/update-account.ts';

const FIELDS = ['currentPassword', 'newPassword'] as const;

export function PasswordForm() {
  const client = useClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [saved, setSaved] = useState(false);
  const { problem, alertRef, fieldRef, fail, clear } = useFormProblem(FIELDS);

  async function submit(event: FormEvent) {
    event.preventDefault();
    clear();
    setSaved(false);
    try {
      await changePassword(client, current, next);
      setCurrent('');
      setNext('');
      setSaved(true);
    } catch (error) {
      fail(error);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="password-heading" className="card">
      <h2 id="password-heading">Password</h2>
      <p>Changing the password signs out every other session of this account.</p>
      <div aria-live="polite">
        {problem.form ? (
          <Alert ref={alertRef} tone="error">
            {problem.form === 'The email or password is wrong.' ? 'The current password is wrong.' : problem.form}
          </Alert>
        ) : null}
        {saved ? <Alert tone="success">Your password was changed. Other sessions were signed out.</Alert> : null}
      </div>
      <Field
        ref={fieldRef('currentPassword')}
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
        error={problem.fields.currentPassword}
      />
      <Field
        ref={fieldRef('newPassword')}
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="12 to 128 characters."
        value={next}
        onChange={(e) => setNext(e.target.value)}
        error={problem.fields.newPassword}
      />
      <button type="submit" className="button primary">
        Change password
      </button>
    </form>
  );
}
