import { DEMO_USERS } from '@spa-auth/contract/demo';
import { Link } from 'react-router';
import { EmailField, PasswordField } from '../../../components/ui/account-fields.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { useServices } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';

const DEMO_BUTTONS = [
  { label: 'Fill in the demo user', account: DEMO_USERS.user },
  { label: 'Fill in the demo admin', account: DEMO_USERS.admin },
];

/** Signs in; the sign-in page then follows the new session to returnTo. */
export function LoginForm(props: { registerHref: string }) {
  const { client, config } = useServices();
  const form = useForm({ email: '', password: '' });

  const submit = form.handleSubmit(async (credentials) => {
    await client.login(credentials);
  });

  return (
    <form onSubmit={submit} noValidate aria-describedby={form.status.error ? 'login-problem' : undefined}>
      <FormStatus {...form.status} id="login-problem" />
      <EmailField {...form.field('email')} required />
      <PasswordField {...form.field('password')} purpose="current" required />
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <button type="submit" className="button primary" disabled={form.busy}>
        {form.busy ? 'Signing in…' : 'Sign in'}
      </button>
      <p>
        No account yet? <Link to={props.registerHref}>Create an account</Link>
      </p>
      {config.showDemoUsers ? (
        <fieldset className="demo-users">
          <legend>Demo users (development only)</legend>
          {DEMO_BUTTONS.map(({ label, account }) => (
            <button
              key={account.email}
              type="button"
              className="button"
              onClick={() => form.setValues({ email: account.email, password: account.password })}
            >
              {label}
            </button>
          ))}
        </fieldset>
      ) : null}
    </form>
  );
}
