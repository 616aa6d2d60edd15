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
