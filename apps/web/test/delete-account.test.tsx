import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DEMO_USER, installApiDouble } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

/** The settings page, signed in as the demo user, scrolled to the account's deletion. */
async function settingsPage() {
  const apiDouble = installApiDouble();
  apiDouble.giveCookie(DEMO_USER);
  const app = renderApp('/settings');
  await screen.findByRole('heading', { level: 1, name: 'Settings' });
  const section = screen.getByRole('form', { name: 'Delete my account' });
  return {
    apiDouble,
    app,
    confirmation: within(section).getByLabelText('Type DELETE to confirm'),
    deleteButton: within(section).getByRole('button', { name: 'Delete my account' }),
  };
}

describe('delete my account', () => {
  it('when nothing or another word is typed, then the button stays disabled and nothing is sent', async () => {
    const { apiDouble, app, confirmation, deleteButton } = await settingsPage();
    expect(screen.getByText('This cannot be undone.')).toBeInTheDocument();
    expect(deleteButton).toBeDisabled();

    await app.user.type(confirmation, 'delete{Enter}');

    expect(deleteButton).toBeDisabled();
    expect(apiDouble.count('DELETE', '/api/me')).toBe(0);
  });

  it('when DELETE is typed and the button pressed, then the account is deleted, the app signs out and the login page says so', async () => {
    const { apiDouble, app, confirmation, deleteButton } = await settingsPage();

    await app.user.type(confirmation, 'DELETE');
    await app.user.click(deleteButton);

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your account was deleted.');
    expect(app.url()).toBe('/login');
    expect(apiDouble.count('DELETE', '/api/me')).toBe(1);
    expect(apiDouble.count('POST', '/auth/logout')).toBe(1);
    expect(apiDouble.hasAccount(DEMO_USER.email)).toBe(false);
    expect(app.client.getSession()).toBeNull();
    // The user asked for it: not a session that expired.
    expect(app.onSessionExpired).not.toHaveBeenCalled();
  });

  it('when the sign-in is too old, then the password dialog asks first and the deletion completes without pressing the button again', async () => {
    const { apiDouble, app, confirmation, deleteButton } = await settingsPage();
    apiDouble.ageSignIns();
    await app.user.type(confirmation, 'DELETE');
    await app.user.click(deleteButton);

    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    await app.user.type(within(dialog).getByLabelText('Password'), DEMO_USER.password);
    await app.user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your account was deleted.');
    expect(apiDouble.count('DELETE', '/api/me')).toBe(2);
    expect(apiDouble.hasAccount(DEMO_USER.email)).toBe(false);
  });

  it('when the password dialog is cancelled, then the account is kept and the form says why', async () => {
    const { apiDouble, app, confirmation, deleteButton } = await settingsPage();
    apiDouble.ageSignIns();
    await app.user.type(confirmation, 'DELETE');
    await app.user.click(deleteButton);

    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    await app.user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('The account was not deleted: deleting it needs your password.');
    expect(screen.getByRole('heading', { level: 1, name: 'Settings' })).toBeInTheDocument();
    expect(apiDouble.hasAccount(DEMO_USER.email)).toBe(true);
    await waitFor(() => expect(app.client.getSession()).not.toBeNull());
  });
});
