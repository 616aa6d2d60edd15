import { screen, waitFor } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, DEMO_USER, installApiDouble, problem, server } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

const SENT = 'If an account uses this address, we sent it a link to choose a new password. The link works for 30 minutes.';
const NEW_PASSWORD = 'a-brand-new-passphrase';

async function askForLink(app: ReturnType<typeof renderApp>, email: string) {
  await app.user.type(screen.getByLabelText('Email'), email);
  await app.user.click(screen.getByRole('button', { name: 'Send the link' }));
}

async function setPassword(app: ReturnType<typeof renderApp>, password: string) {
  await app.user.type(screen.getByLabelText('New password'), password);
  await app.user.click(screen.getByRole('button', { name: 'Set the new password' }));
}

describe('forgot password page', () => {
  it('when "Forgot your password?" is followed from the login page, then the form asks for the email, labelled, with focus on the heading', async () => {
    installApiDouble();
    const app = renderApp('/login');
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });

    await app.user.click(screen.getByRole('link', { name: 'Forgot your password?' }));

    const heading = await screen.findByRole('heading', { level: 1, name: 'Forgot your password?' });
    expect(app.url()).toBe('/forgot-password');
    expect(screen.getByLabelText('Email')).toHaveAttribute('type', 'email');
    await waitFor(() => expect(heading).toHaveFocus());
  });

  it.each([
    ['an account', DEMO_USER.email],
    ['no account', 'nobody@example.com'],
  ])('when the address is %s’s, then the same status says a link was sent', async (_whose, email) => {
    const apiDouble = installApiDouble();
    const app = renderApp('/forgot-password');
    await screen.findByRole('heading', { level: 1, name: 'Forgot your password?' });

    await askForLink(app, email);

    expect(await screen.findByRole('status')).toHaveTextContent(SENT);
    expect(apiDouble.count('POST', '/auth/password-reset')).toBe(1);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('when the API limits the requests (429), then its own words say when to try again, in an alert that takes focus', async () => {
    installApiDouble();
    server.use(
      http.post(api('/auth/password-reset'), () =>
        problem(429, 'rate_limited', { detail: 'Too many requests; try again in 840 seconds', headers: { 'Retry-After': '840' } }),
      ),
    );
    const app = renderApp('/forgot-password');
    await screen.findByRole('heading', { level: 1, name: 'Forgot your password?' });

    await askForLink(app, DEMO_USER.email);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Too many requests; try again in 840 seconds');
    await waitFor(() => expect(alert).toHaveFocus());
    expect(screen.queryByText(SENT)).not.toBeInTheDocument();
  });

  it('when the address is not an email address, then the API’s field error is tied to the field, which takes focus', async () => {
    installApiDouble();
    const app = renderApp('/forgot-password');
    await screen.findByRole('heading', { level: 1, name: 'Forgot your password?' });

    await askForLink(app, 'not-an-address');

    const email = screen.getByLabelText('Email');
    await waitFor(() => expect(email).toHaveFocus());
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription('Must be a valid email address.');
  });
});

describe('reset password page', () => {
  it('when the link is good, then the token leaves the address bar, the new password is set and the user lands on the dashboard signed in', async () => {
    const apiDouble = installApiDouble();
    const token = apiDouble.mailLink('reset_password', DEMO_USER);
    const app = renderApp(`/reset-password#token=${token}`);
    await screen.findByRole('heading', { level: 1, name: 'Choose a new password' });
    await waitFor(() => expect(app.url()).toBe('/reset-password'));

    await setPassword(app, NEW_PASSWORD);

    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    expect(app.url()).toBe('/');
    expect(app.client.getSession()?.user.email).toBe(DEMO_USER.email);
    expect(apiDouble.passwordOf(DEMO_USER)).toBe(NEW_PASSWORD);
    expect(apiDouble.count('POST', '/auth/password-reset/confirm')).toBe(1);
  });

  it('when the new password is too short, then the field says so and takes focus, and the link still works afterwards', async () => {
    const apiDouble = installApiDouble();
    const token = apiDouble.mailLink('reset_password', DEMO_USER);
    const app = renderApp(`/reset-password#token=${token}`);
    await screen.findByRole('heading', { level: 1, name: 'Choose a new password' });

    await setPassword(app, 'short');

    const field = screen.getByLabelText('New password');
    await waitFor(() => expect(field).toHaveFocus());
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(expect.stringContaining('Must be at least 12 characters.'));

    await app.user.clear(field);
    await setPassword(app, NEW_PASSWORD);
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
  });

  it.each([
    ['used', 'This link was already used.'],
    ['expired', 'This link has expired: a link to choose a new password works for 30 minutes.'],
  ] as const)(
    'when the link was %s, then an alert says so and links to a new one, and the password is unchanged',
    async (state, message) => {
      const apiDouble = installApiDouble();
      const token = apiDouble.mailLink('reset_password', DEMO_USER, state);
      const app = renderApp(`/reset-password#token=${token}`);
      await screen.findByRole('heading', { level: 1, name: 'Choose a new password' });

      await setPassword(app, NEW_PASSWORD);

      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent(message);
      await waitFor(() => expect(alert).toHaveFocus());
      expect(screen.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', '/forgot-password');
      expect(screen.queryByLabelText('New password')).not.toBeInTheDocument();
      expect(apiDouble.passwordOf(DEMO_USER)).toBe(DEMO_USER.password);
      expect(app.client.getSession()).toBeNull();
    },
  );

  it('when the link names no link the API made, then the page says it is not valid and links to a new one', async () => {
    installApiDouble();
    const app = renderApp(`/reset-password#token=${'z'.repeat(43)}`);
    await screen.findByRole('heading', { level: 1, name: 'Choose a new password' });

    await setPassword(app, NEW_PASSWORD);

    expect(await screen.findByRole('alert')).toHaveTextContent('This link is not valid.');
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toBeInTheDocument();
  });

  it('when the link was cut short, then the API refuses its shape and the page says it is not valid', async () => {
    installApiDouble();
    const app = renderApp('/reset-password#token=abc');
    await screen.findByRole('heading', { level: 1, name: 'Choose a new password' });

    await setPassword(app, NEW_PASSWORD);

    expect(await screen.findByRole('alert')).toHaveTextContent('This link is not valid.');
  });

  it('when the address has no token at all, then the page says the link is not valid and asks for no password', async () => {
    const apiDouble = installApiDouble();
    renderApp('/reset-password');
    await screen.findByRole('heading', { level: 1, name: 'Choose a new password' });

    expect(screen.getByRole('alert')).toHaveTextContent('This link is not valid.');
    expect(screen.queryByLabelText('New password')).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', '/forgot-password');
    expect(apiDouble.count('POST', '/auth/password-reset/confirm')).toBe(0);
  });
});
