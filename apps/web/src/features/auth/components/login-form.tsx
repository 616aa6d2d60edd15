import { useState } from 'react';
import { Link } from 'react-router';
import { Field } from '../../../components/ui/field.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { useServices } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';

const FIELDS = ['email', 'password'] as const;
const DEMO_USERS = [
  { label: 'Fill in the demo user', email: 'demo@example.com', password: 'demo-password-1' },
  { label: 'Fill in the demo admin', email: 'admin@example.com', password: 'admin-password-1' },
];

/** Signs in; the login route then follows the new session to returnTo. */
export function LoginForm(props: { registerHref: string }) {
  const { client, config } = useServices();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { problem, alertRef, field, busy, handleSubmit } = useForm(FIELDS);

  const submit = handleSubmit(async () => {
    await client.login({ email, password });
  });

  return (
    <form onSubmit={submit} noValidate aria-describedby={problem.form ? 'login-problem' : undefined}>
      <FormStatus ref={alertRef} id="login-problem" error={problem.form} />
      <Field
        {...field('email')}
        label="Email"
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <Field
        {...field('password')}
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      <p>
        No account yet? <Link to={props.registerHref}>Create an account</Link>
      </p>
      {config.showDemoUsers ? (
        <fieldset className="demo-users">
          <legend>Demo users (development only)</legend>
          {DEMO_USERS.map((demo) => (
            <button
              key={demo.email}
              type="button"
              className="button"
              onClick={() => {
                setEmail(demo.email);
                setPassword(demo.password);
              }}
            >
              {demo.label}
            </button>
          ))}
        </fieldset>
      ) : null}
    </form>
  );
}
