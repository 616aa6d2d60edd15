import { screen, waitFor } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, DEMO_USER, installApiDouble, problem, server } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

async function openRegister(path = '/register') {
  const app = renderApp(path);
  await screen.findByRole('heading', { level: 1, name: 'Create an account' });
  return app;
}

async function submit(app: ReturnType<typeof renderApp>, input: { name: string; email: string; password: string }) {
  await app.user.type(screen.getByLabelText('Name'), input.name);
  await app.user.type(screen.getByLabelText('Email'), input.email);
  await app.user.type(screen.getByLabelText('Password'), input.password);
  await app.user.click(screen.getByRole('button', { name: 'Create account' }));
}

/** The API refuses the registration with these field problems, in the order given. */
function refuseFields(errors: { path: string; message: string }[], options: { once?: boolean } = {}) {
  server.use(http.post(api('/auth/register'), () => problem(400, 'validation_failed', { errors }), options));
}

const NEWCOMER = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'analytical-engine-1843' };

describe('register form', () => {
  it('when the API rejects fields, then each message is tied to its field and focus moves to the first in form order', async () => {
    installApiDouble();
    // The API lists the password first; the form still starts the user at the first field on screen.
    refuseFields([
      { path: 'password', message: 'must be at least 12 characters' },
      { path: 'email', message: 'must be a valid email address' },
    ]);
    const app = await openRegister();

    await submit(app, { name: 'Ada', email: 'ada-at-example', password: 'short' });

    const email = screen.getByLabelText('Email');
    const password = screen.getByLabelText('Password');
    await waitFor(() => expect(email).toHaveFocus());
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription('Must be a valid email address.');
    expect(password).toHaveAttribute('aria-invalid', 'true');
    expect(password).toHaveAccessibleDescription(expect.stringContaining('Must be at least 12 characters.'));
    const name = screen.getByLabelText('Name');
    expect(name).not.toHaveAttribute('aria-invalid');
    expect(name).not.toHaveAccessibleDescription();
    // Field problems are next to their fields, not in a form-level alert.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(app.url()).toBe('/register');
  });

  it('when the name is the first invalid field, then focus moves to Name', async () => {
    installApiDouble();
    refuseFields([
      { path: 'password', message: 'must be at least 12 characters' },
      { path: 'name', message: 'is required' },
    ]);
    const app = await openRegister();

    await submit(app, { name: ' ', email: NEWCOMER.email, password: 'short' });

    const name = screen.getByLabelText('Name');
    await waitFor(() => expect(name).toHaveFocus());
    expect(name).toHaveAccessibleDescription('Is required.');
    expect(screen.getByLabelText('Email')).not.toHaveAttribute('aria-invalid');
  });

  it('when the fields are fixed after a validation failure, then the old messages go', async () => {
    installApiDouble();
    refuseFields([{ path: 'password', message: 'must be at least 12 characters' }], { once: true });
    const app = await openRegister();
    await submit(app, { ...NEWCOMER, password: 'short' });
    await waitFor(() => expect(screen.getByLabelText('Password')).toHaveFocus());

    await app.user.clear(screen.getByLabelText('Password'));
    await app.user.type(screen.getByLabelText('Password'), NEWCOMER.password);
    await app.user.click(screen.getByRole('button', { name: 'Create account' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
  });

  it('when the email is taken, then the form says so in an alert that takes focus', async () => {
    installApiDouble();
    const app = await openRegister();

    await submit(app, { name: 'Someone Else', email: DEMO_USER.email, password: NEWCOMER.password });

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('An account with this email already exists. Sign in instead?');
    expect(alert).toHaveFocus();
    expect(screen.getByLabelText('Email')).not.toHaveAttribute('aria-invalid');
    expect(app.url()).toBe('/register');
    expect(app.client.getSession()).toBeNull();
  });

  it('when the account is created, then the new user lands on the dashboard, signed in', async () => {
    const apiDouble = installApiDouble();
    const app = await openRegister();

    await submit(app, NEWCOMER);

    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
    expect(app.client.getSession()?.user).toMatchObject({ name: NEWCOMER.name, email: NEWCOMER.email });
    expect(app.url()).toBe('/');
    expect(apiDouble.count('POST', '/auth/register')).toBe(1);
  });

  it('when the register page was reached with a returnTo, then the new user lands there', async () => {
    installApiDouble();
    const app = await openRegister('/register?returnTo=%2Fsessions');
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/login?returnTo=%2Fsessions');

    await submit(app, NEWCOMER);

    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' })).toBeInTheDocument();
    expect(app.url()).toBe('/sessions');
  });
});
