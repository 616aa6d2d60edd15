import { screen, waitFor } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, DEMO_USER, installApiDouble, invalidToken, problem, server } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

describe('session end', () => {
  it('when the access token is refused and the refresh is refused as reused, then the user is sent to sign in with returnTo of the page', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    const app = renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    // The layout's check of the email address has reached the API before the theft.
    await waitFor(() => expect(apiDouble.count('GET', '/api/me')).toBe(1));

    // The session is stolen and revoked while the user browses: /api/me says invalid_token, and the
    // refresh token the browser holds has been superseded by the thief's.
    server.use(
      http.get(api('/api/me'), () => invalidToken('session_revoked')),
      http.post(api('/auth/refresh'), () => problem(401, 'refresh_reused')),
    );
    // The settings page loads the account from /api/me.
    await app.user.click(screen.getByRole('link', { name: 'Settings' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(app.onSessionExpired).toHaveBeenCalledTimes(1);
    expect(app.onSessionExpired).toHaveBeenCalledWith({ code: 'refresh_reused' });
    expect(app.url()).toBe('/login?returnTo=%2Fsettings');
    expect(app.client.getSession()).toBeNull();
    // One refresh at start-up, one after the 401; none after that.
    expect(apiDouble.count('POST', '/auth/refresh')).toBe(2);
    // The signed-out user's data is gone from the page.
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();
  });

  it('when the user signs in again after the session ended, then they are back on the page they were on', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    const app = renderApp('/sessions');
    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' })).toBeInTheDocument();
    // The page's own request answered first: revoked while in flight, it would end the session here.
    await screen.findByRole('list', { name: 'Active sessions' });

    apiDouble.revokeAccessTokens();
    server.use(http.post(api('/auth/refresh'), () => problem(401, 'session_revoked'), { once: true }));
    await app.user.click(screen.getByRole('link', { name: 'Settings' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(app.url()).toBe('/login?returnTo=%2Fsettings');

    await app.user.type(screen.getByLabelText('Email'), DEMO_USER.email);
    await app.user.type(screen.getByLabelText('Password'), DEMO_USER.password);
    await app.user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeInTheDocument();
    expect(app.url()).toBe('/settings');
  });
});

describe('sign out', () => {
  it('when "Sign out" is pressed in the header, then the logout is posted and the login page shows', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    const app = renderApp('/sessions');
    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' })).toBeInTheDocument();

    await app.user.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(app.url()).toBe('/login?returnTo=%2Fsessions');
    const logout = apiDouble.requests.filter((r) => r.method === 'POST' && r.path === '/auth/logout');
    expect(logout).toHaveLength(1);
    expect(logout[0]?.headers.get('X-Requested-With')).toBe('XMLHttpRequest');
    expect(app.client.getSession()).toBeNull();
    // The user asked for it: this is not a session that expired.
    expect(app.onSessionExpired).not.toHaveBeenCalled();
  });

  it('when the page is reloaded after signing out, then the session is not restored', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    const first = renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    await first.user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    first.unmount();

    const reloaded = renderApp('/');

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(reloaded.url()).toBe('/login?returnTo=%2F');
    expect(reloaded.client.getSession()).toBeNull();
    expect(apiDouble.count('POST', '/auth/refresh')).toBe(2);
  });
});
