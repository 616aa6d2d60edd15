import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN, DEMO_USER, installApiDouble } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

describe('admin page', () => {
  it('when a user without the admin role opens it, then the API’s 403 shows "Forbidden", with no refresh and no redirect', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    const app = renderApp('/admin');

    expect(await screen.findByRole('heading', { level: 1, name: 'Forbidden' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to the dashboard' })).toHaveAttribute('href', '/');

    // 403 insufficient_scope: the one users request, answered once (no retry), and no refresh after it.
    const forbidden = apiDouble.requests.findIndex((r) => r.method === 'GET' && r.path === '/api/admin/users');
    expect(forbidden).toBeGreaterThan(-1);
    expect(apiDouble.count('GET', '/api/admin/users')).toBe(1);
    expect(apiDouble.requests.slice(forbidden).filter((r) => r.path.startsWith('/auth/'))).toEqual([]);
    expect(apiDouble.count('POST', '/auth/refresh')).toBe(1);

    // Still signed in, still on /admin.
    expect(app.url()).toBe('/admin');
    expect(app.client.getSession()?.user.email).toBe(DEMO_USER.email);
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Sign in' })).not.toBeInTheDocument();
    expect(app.onSessionExpired).not.toHaveBeenCalled();
  });

  it('when an admin opens it, then the user list shows', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_ADMIN);
    renderApp('/admin');

    expect(await screen.findByRole('heading', { level: 1, name: 'Users' })).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Every account, oldest first' });
    expect(within(table).getByRole('cell', { name: DEMO_USER.email })).toBeInTheDocument();
    expect(within(table).getByRole('cell', { name: DEMO_ADMIN.email })).toBeInTheDocument();
  });
});

describe('admin page with REQUIRE_MFA_FOR_ADMIN', () => {
  it('when an admin signed in without the second factor opens it, then the dialog asks for the password and a code before the list shows', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_ADMIN);
    apiDouble.enrolTotp(DEMO_ADMIN);
    apiDouble.requireMfaForAdmins();
    const app = renderApp('/admin');

    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    expect(dialog).toHaveAccessibleDescription(/needs a recent sign-in with your second factor/);
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    await app.user.type(within(dialog).getByLabelText('Password'), DEMO_ADMIN.password);
    await app.user.type(within(dialog).getByLabelText('Authentication code'), apiDouble.totpCodeOf(DEMO_ADMIN));
    await app.user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    const table = await screen.findByRole('table', { name: 'Every account, oldest first' });
    expect(within(table).getByRole('cell', { name: DEMO_USER.email })).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    // Refused once, sent again once by the client after the re-authentication; no refresh for it.
    expect(apiDouble.count('GET', '/api/admin/users')).toBe(2);
    expect(apiDouble.count('POST', '/auth/refresh')).toBe(1);
  });

  it('when the admin cancels the dialog, then the page says the second factor is needed and asks again on request', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_ADMIN);
    apiDouble.enrolTotp(DEMO_ADMIN);
    apiDouble.requireMfaForAdmins();
    const app = renderApp('/admin');
    await app.user.click(within(await screen.findByRole('dialog', { name: 'Confirm it is you' })).getByRole('button', { name: 'Cancel' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Two-factor authentication needed' })).toBeInTheDocument();
    await app.user.click(screen.getByRole('button', { name: 'Confirm it is you' }));
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    await app.user.type(within(dialog).getByLabelText('Password'), DEMO_ADMIN.password);
    await app.user.type(within(dialog).getByLabelText('Authentication code'), apiDouble.totpCodeOf(DEMO_ADMIN));
    await app.user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    expect(await screen.findByRole('table', { name: 'Every account, oldest first' })).toBeInTheDocument();
    expect(app.client.getSession()?.user.email).toBe(DEMO_ADMIN.email);
  });

  it('when an admin without a second factor opens it, then the page says to set one up, with a link to Settings, and the user stays signed in', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_ADMIN);
    apiDouble.requireMfaForAdmins();
    const app = renderApp('/admin');

    expect(await screen.findByRole('heading', { level: 1, name: 'Two-factor authentication needed' })).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await app.user.click(screen.getByRole('link', { name: 'Set up an authenticator app in Settings' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Set up an authenticator app' })).toBeInTheDocument();
    expect(app.onSessionExpired).not.toHaveBeenCalled();
  });
});
