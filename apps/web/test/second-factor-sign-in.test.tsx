import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, DEMO_USER, installApiDouble, problem, server } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

/** The login page for the demo user, whose account has an authenticator app; the password is typed and sent. */
async function passwordStep(path = '/login') {
  const apiDouble = installApiDouble();
  const recoveryCodes = apiDouble.enrolTotp(DEMO_USER);
  const app = renderApp(path);
  await screen.findByRole('heading', { level: 1, name: 'Sign in' });
  await app.user.type(screen.getByLabelText('Email'), DEMO_USER.email);
  await app.user.type(screen.getByLabelText('Password'), DEMO_USER.password);
  await app.user.click(screen.getByRole('button', { name: 'Sign in' }));
  const step = await screen.findByRole('region', { name: 'Two-factor authentication' });
  return { apiDouble, app, step, recoveryCodes };
}

const codeField = () => screen.getByLabelText('Authentication code');
const recoveryField = () => screen.getByLabelText('Recovery code');

describe('sign-in with a second factor', () => {
  it('when the password of an account with an authenticator app is right, then the page asks for a code, focused, and no session starts yet', async () => {
    const { apiDouble, app, step } = await passwordStep('/login?returnTo=%2Fsessions');

    await waitFor(() => expect(codeField()).toHaveFocus());
    expect(codeField()).toHaveAttribute('autocomplete', 'one-time-code');
    expect(codeField()).toHaveAttribute('inputmode', 'numeric');
    expect(codeField()).toHaveAccessibleDescription('The 6-digit code your authenticator app shows for this account now.');
    expect(within(step).getByRole('button', { name: 'Use a recovery code instead' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Password')).not.toBeInTheDocument();
    expect(app.client.getSession()).toBeNull();
    // The challenge is the page's state: not in the address, not in any storage.
    expect(app.url()).toBe('/login?returnTo=%2Fsessions');
    const stored = JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie;
    expect(stored).not.toContain('challenge-');
    expect(apiDouble.count('POST', '/auth/refresh')).toBe(1);
  });

  it('when the right code is entered, then the session starts and the page goes on to where the user was headed', async () => {
    const { apiDouble, app } = await passwordStep('/login?returnTo=%2Fsessions');

    await app.user.type(codeField(), apiDouble.totpCodeOf(DEMO_USER));
    await app.user.click(screen.getByRole('button', { name: 'Verify' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' })).toBeInTheDocument();
    expect(app.client.getSession()?.user.email).toBe(DEMO_USER.email);
    const secondStep = apiDouble.requests.filter((r) => r.method === 'POST' && r.path === '/auth/login/second-factor');
    expect(secondStep).toHaveLength(1);
    expect(secondStep[0]?.headers.get('X-Requested-With')).toBe('XMLHttpRequest');
  });

  it('when the code is typed with a space, as some apps show it, then it is sent without it', async () => {
    const { apiDouble, app } = await passwordStep();
    const code = apiDouble.totpCodeOf(DEMO_USER);

    await app.user.type(codeField(), `${code.slice(0, 3)} ${code.slice(3)}`);
    await app.user.click(screen.getByRole('button', { name: 'Verify' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
  });

  it('when the code is wrong, then an alert says so and takes the focus, and the next code still signs in', async () => {
    const { apiDouble, app } = await passwordStep();

    await app.user.type(codeField(), '000000');
    await app.user.click(screen.getByRole('button', { name: 'Verify' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The code is wrong or was used already.');
    await waitFor(() => expect(alert).toHaveFocus());
    expect(app.client.getSession()).toBeNull();

    await app.user.clear(codeField());
    await app.user.type(codeField(), apiDouble.totpCodeOf(DEMO_USER));
    await app.user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
  });

  it('when the code is not six digits, then the API’s words show on the field', async () => {
    const { app } = await passwordStep();

    await app.user.type(codeField(), '12345');
    await app.user.click(screen.getByRole('button', { name: 'Verify' }));

    await waitFor(() => expect(codeField()).toHaveAccessibleDescription(/Must be the 6 digits the authenticator app shows\./));
    expect(codeField()).toHaveAttribute('aria-invalid', 'true');
    await waitFor(() => expect(codeField()).toHaveFocus());
  });

  it('when "Use a recovery code instead" is chosen, then a recovery code signs in once, and the same code is refused the next time', async () => {
    const { app, step, recoveryCodes } = await passwordStep();
    const [recoveryCode] = recoveryCodes as [string];

    await app.user.click(within(step).getByRole('button', { name: 'Use a recovery code instead' }));
    await waitFor(() => expect(recoveryField()).toHaveFocus());
    expect(screen.queryByLabelText('Authentication code')).not.toBeInTheDocument();
    expect(within(step).getByRole('button', { name: 'Use your authenticator app instead' })).toBeInTheDocument();
    await app.user.type(recoveryField(), recoveryCode.toUpperCase());
    await app.user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();

    await app.user.click(screen.getByRole('button', { name: 'Sign out' }));
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });
    await app.user.type(screen.getByLabelText('Email'), DEMO_USER.email);
    await app.user.type(screen.getByLabelText('Password'), DEMO_USER.password);
    await app.user.click(screen.getByRole('button', { name: 'Sign in' }));
    const again = await screen.findByRole('region', { name: 'Two-factor authentication' });
    await app.user.click(within(again).getByRole('button', { name: 'Use a recovery code instead' }));
    await app.user.type(recoveryField(), recoveryCode);
    await app.user.click(screen.getByRole('button', { name: 'Verify' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('The recovery code is wrong or was used already.');
    expect(app.client.getSession()).toBeNull();
  });

  it('when the challenge has expired, then the page goes back to the password with the email kept and says why', async () => {
    const { apiDouble, app } = await passwordStep();
    apiDouble.expireSignInChallenges();

    await app.user.type(codeField(), apiDouble.totpCodeOf(DEMO_USER));
    await app.user.click(screen.getByRole('button', { name: 'Verify' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('This sign-in has expired or was used up. Enter your password again');
    expect(screen.getByLabelText('Email')).toHaveValue(DEMO_USER.email);
    expect(screen.getByLabelText('Password')).toHaveValue('');
    await waitFor(() => expect(screen.getByLabelText('Password')).toHaveFocus());

    await app.user.type(screen.getByLabelText('Password'), DEMO_USER.password);
    await app.user.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('region', { name: 'Two-factor authentication' });
    await app.user.type(codeField(), apiDouble.totpCodeOf(DEMO_USER));
    await app.user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
  });

  it('when the second step is limited (429, Retry-After: 120), then the page says when to try again', async () => {
    const { app } = await passwordStep();
    server.use(http.post(api('/auth/login/second-factor'), () => problem(429, 'rate_limited', { headers: { 'Retry-After': '120' } })));

    await app.user.type(codeField(), '123456');
    await app.user.click(screen.getByRole('button', { name: 'Verify' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts. Try again in 2 minutes.');
    expect(codeField()).toBeInTheDocument();
  });

  it('when "Back to the password" is pressed, then the password form shows again, with no error', async () => {
    const { app, step } = await passwordStep();

    await app.user.click(within(step).getByRole('button', { name: 'Back to the password' }));

    expect(screen.getByLabelText('Email')).toHaveValue(DEMO_USER.email);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Two-factor authentication' })).not.toBeInTheDocument();
  });

  it('when a reset link sets the password of an account with a second factor, then a code is asked before anyone is signed in', async () => {
    const apiDouble = installApiDouble();
    apiDouble.enrolTotp(DEMO_USER);
    const token = apiDouble.mailLink('reset_password', DEMO_USER);
    const app = renderApp(`/reset-password#token=${token}`);
    await app.user.type(await screen.findByLabelText('New password'), 'a-brand-new-passphrase');
    await app.user.click(screen.getByRole('button', { name: 'Set the new password' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Finish signing in' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your new password is set.');
    expect(apiDouble.passwordOf(DEMO_USER)).toBe('a-brand-new-passphrase');
    expect(app.client.getSession()).toBeNull();

    await app.user.type(codeField(), apiDouble.totpCodeOf(DEMO_USER));
    await app.user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
  });
});
