import { DEMO_USERS } from '@spa-auth/contract/demo';
import { lazy, Suspense, useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { EmailField, PasswordField } from '../../../components/ui/account-fields.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { passkeysSupported } from '../../../lib/passkeys.ts';
import { type SignInChallenge, signInChallengeOf } from '../../../lib/second-factor.ts';
import { useServices } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';

// The passkey sign-in brings @simplewebauthn/browser: a chunk fetched once the page has rendered, and
// only where the browser has WebAuthn. Until it is there, its button stands disabled in its place.
const PasskeySignIn = lazy(async () => ({ default: (await import('./passkey-sign-in.tsx')).PasskeySignIn }));

const DEMO_BUTTONS = [
  { label: 'Fill in the demo user', account: DEMO_USERS.user },
  { label: 'Fill in the demo admin', account: DEMO_USERS.admin },
];

/**
 * Signs in; the sign-in page then follows the new session to returnTo. For an account with a second
 * factor the right password starts no session: the API's challenge goes to `onSecondFactorRequired`,
 * with the address, for the page to ask for the second step. `email` fills the form in again when the
 * user comes back from that step; the password is then the field to type. A passkey signs in
 * without either, from its button or from the email field's suggestions.
 */
export function LoginForm(props: {
  registerHref: string;
  email?: string;
  onSecondFactorRequired: (challenge: SignInChallenge, email: string) => void;
}) {
  const { client, config } = useServices();
  const form = useForm({ email: props.email ?? '', password: '' });
  const password = useRef<HTMLInputElement | null>(null);
  const passwordField = form.field('password');
  const comesBack = props.email !== undefined;

  useEffect(() => {
    if (comesBack) password.current?.focus();
  }, [comesBack]);

  const submit = form.handleSubmit(async (credentials) => {
    try {
      await client.login(credentials);
    } catch (error) {
      const challenge = signInChallengeOf(error);
      if (!challenge) throw error;
      props.onSecondFactorRequired(challenge, credentials.email);
    }
    return undefined;
  });

  return (
    <form onSubmit={submit} noValidate aria-describedby={form.status.error ? 'login-problem' : undefined}>
      <FormStatus {...form.status} id="login-problem" />
      <EmailField {...form.field('email')} purpose="sign-in" required />
      <PasswordField
        {...passwordField}
        ref={(element) => {
          passwordField.ref(element);
          password.current = element;
        }}
        purpose="current"
        required
      />
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <button type="submit" className="button primary" disabled={form.busy}>
        {form.busy ? 'Signing in…' : 'Sign in'}
      </button>
      {passkeysSupported() ? (
        <div className="passkey-sign-in">
          <p className="or">or</p>
          <Suspense
            fallback={
              <button type="button" className="button" disabled>
                Sign in with a passkey
              </button>
            }
          >
            <PasskeySignIn />
          </Suspense>
        </div>
      ) : null}
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
