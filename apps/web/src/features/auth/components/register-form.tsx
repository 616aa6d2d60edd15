import { useState } from 'react';
import { Link } from 'react-router';
import { Field } from '../../../components/ui/field.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { useClient } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';

const FIELDS = ['name', 'email', 'password'] as const;

/** Creates an account and signs in; the register route then follows the new session. */
export function RegisterForm(props: { loginHref: string }) {
  const client = useClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { problem, alertRef, field, busy, handleSubmit } = useForm(FIELDS);

  const submit = handleSubmit(async () => {
    await client.register({ name, email, password });
  });

  return (
    <form onSubmit={submit} noValidate>
      <FormStatus ref={alertRef} error={problem.form} />
      <Field {...field('name')} label="Name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
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
        autoComplete="new-password"
        hint="12 to 128 characters. A long phrase is easier to remember and harder to guess."
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? 'Creating account…' : 'Create account'}
      </button>
      <p>
        Already have an account? <Link to={props.loginHref}>Sign in</Link>
      </p>
    </form>
  );
}
