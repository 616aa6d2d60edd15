import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DEMO_USER, installApiDouble } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

async function signIn(user: ReturnType<typeof renderApp>['user'], account: { email: string; password: string }) {
  await user.type(screen.getByLabelText('Email'), account.email);
  await user.type(screen.getByLabelText('Password'), account.password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('route guard', () => {
  it('when a protected page is visited without a session, then the login page shows with returnTo of that page', async () => {
    const api = installApiDouble();
    const app = renderApp('/sessions');

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(app.url()).toBe('/login?returnTo=%2Fsessions');
    expect(api.count('POST', '/auth/refresh')).toBe(1);
    expect(api.count('GET', '/api/sessions')).toBe(0);
  });

  it('when the user signs in from the guard, then they land on the page they asked for', async () => {
    installApiDouble();
    const app = renderApp('/sessions');
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });

    await signIn(app.user, DEMO_USER);

    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' })).toBeInTheDocument();
    expect(app.url()).toBe('/sessions');
    const list = await screen.findByRole('list', { name: 'Active sessions' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
  });

  it('when returnTo carries a query and a hash, then sign-in goes back to exactly that place', async () => {
    installApiDouble();
    const app = renderApp(`/login?returnTo=${encodeURIComponent('/settings?tab=password#new')}`);
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });

    await signIn(app.user, DEMO_USER);

    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeInTheDocument();
    expect(app.url()).toBe('/settings?tab=password#new');
  });

  it.each(['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)'])(
    'when returnTo is %j, then sign-in lands on the dashboard instead',
    async (returnTo) => {
      installApiDouble();
      const app = renderApp(`/login?returnTo=${encodeURIComponent(returnTo)}`);
      await screen.findByRole('heading', { level: 1, name: 'Sign in' });

      await signIn(app.user, DEMO_USER);

      expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
      expect(app.url()).toBe('/');
    },
  );

  it('when a signed-in user opens the login page, then they are sent on to returnTo without seeing the form', async () => {
    const api = installApiDouble();
    api.giveCookie(DEMO_USER);
    const app = renderApp('/login?returnTo=%2Fsessions');

    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' })).toBeInTheDocument();
    expect(app.url()).toBe('/sessions');
    expect(screen.queryByLabelText('Password')).not.toBeInTheDocument();
  });
});
