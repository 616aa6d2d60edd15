import { Link } from 'react-router';
import { EmailField, NameField, PasswordField } from '../../../components/ui/account-fields.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { useClient } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';

/** Creates an account and signs in; the sign-up page then follows the new session. */
export function RegisterForm(props: { loginHref: string }) {
  const client = useClient();
  const form = useForm({ name: '', email: '', password: '' });

  const submit = form.handleSubmit(async (account) => {
    await client.register(account);
  });

  return (
    <form onSubmit={submit} noValidate>
      <FormStatus {...form.status} />
      <NameField {...form.field('name')} required />
      <EmailField {...form.field('email')} required />
      <PasswordField {...form.field('password')} purpose="new" required />
      <button type="submit" className="button primary" disabled={form.busy}>
        {form.busy ? 'Creating account…' : 'Create account'}
      </button>
      <p>
        Already have an account? <Link to={props.loginHref}>Sign in</Link>
      </p>
    </form>
  );
}
