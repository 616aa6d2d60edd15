import { screen, waitFor } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, DEMO_ADMIN, DEMO_USER, installApiDouble, problem, server } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

async function openLogin(path = '/login', options: Parameters<typeof renderApp>[1] = {}) {
  const app = renderApp(path, options);
  await screen.findByRole('heading', { level: 1, name: 'Sign in' });
  return app;
}

async function submit(app: ReturnType<typeof renderApp>, email: string, password: string) {
  await app.user.type(screen.getByLabelText('Email'), email);
  await app.user.type(screen.getByLabelText('Password'), password);
  await app.user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('login form', () => {
  it('when the login page opens, then its fields are labelled and the page heading has focus', async () => {
    installApiDouble();
    await openLogin();

    expect(screen.getByLabelText('Email')).toHaveAttribute('type', 'email');
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    expect(screen.getByRole('link', { name: 'Create an account' })).toHaveAttribute('href', '/register');
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'Sign in' })).toHaveFocus());
  });

  it('when the demo users are offered (development) and one is picked, then its email and password fill the form and sign in', async () => {
    installApiDouble();
    const app = await openLogin('/login', { showDemoUsers: true });

    await app.user.click(screen.getByRole('button', { name: 'Fill in the demo admin' }));

    expect(screen.getByLabelText('Email')).toHaveValue(DEMO_ADMIN.email);
    expect(screen.getByLabelText('Password')).toHaveValue(DEMO_ADMIN.password);
    await app.user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    expect(app.client.getSession()?.user.email).toBe(DEMO_ADMIN.email);
  });

  it('when the demo users are not offered (production), then there are no buttons to fill them in', async () => {
    installApiDouble();
    await openLogin();

    expect(screen.queryByRole('button', { name: /Fill in the demo/ })).not.toBeInTheDocument();
  });

  it('when the password is wrong, then the form says so in an alert that takes focus, and the user stays on the page', async () => {
    const apiDouble = installApiDouble();
    const app = await openLogin('/login?returnTo=%2Fsessions');

    await submit(app, DEMO_USER.email, 'not-the-password');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The email or password is wrong.');
    expect(alert).toHaveFocus();
    expect(app.url()).toBe('/login?returnTo=%2Fsessions');
    expect(app.client.getSession()).toBeNull();
    expect(apiDouble.count('POST', '/auth/login')).toBe(1);
    // A failed login is an /auth/* 401: never a reason to refresh.
    expect(apiDouble.count('POST', '/auth/refresh')).toBe(1);
  });

  it('when a second attempt succeeds after a wrong password, then the alert goes and the user is signed in', async () => {
    installApiDouble();
    const app = await openLogin();
    await submit(app, DEMO_USER.email, 'not-the-password');
    await screen.findByRole('alert');

    await app.user.clear(screen.getByLabelText('Password'));
    await app.user.type(screen.getByLabelText('Password'), DEMO_USER.password);
    await app.user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('when the API answers 429 with Retry-After: 120, then the form says when to try again', async () => {
    installApiDouble();
    server.use(http.post(api('/auth/login'), () => problem(429, 'rate_limited', { headers: { 'Retry-After': '120' } })));
    const app = await openLogin();

    await submit(app, DEMO_USER.email, DEMO_USER.password);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Too many attempts. Try again in 2 minutes.');
    expect(alert).toHaveFocus();
    expect(app.url()).toBe('/login');
  });

  it('when the API answers 429 with Retry-After: 30, then the wait is given in seconds', async () => {
    installApiDouble();
    server.use(http.post(api('/auth/login'), () => problem(429, 'rate_limited', { headers: { 'Retry-After': '30' } })));
    const app = await openLogin();

    await submit(app, DEMO_USER.email, DEMO_USER.password);

    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts. Try again in 30 seconds.');
  });

  it('when the network fails, then the form says the server cannot be reached', async () => {
    installApiDouble();
    server.use(http.post(api('/auth/login'), () => HttpResponse.error()));
    const app = await openLogin();

    await submit(app, DEMO_USER.email, DEMO_USER.password);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The server cannot be reached. Check your connection and try again.');
    expect(alert).toHaveFocus();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    expect(app.url()).toBe('/login');
  });

  it('when the sign-in request is sent, then it carries the CSRF header the API requires', async () => {
    const apiDouble = installApiDouble();
    const app = await openLogin();

    await submit(app, `  ${DEMO_USER.email.toUpperCase()} `, DEMO_USER.password);

    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    const login = apiDouble.requests.find((r) => r.method === 'POST' && r.path === '/auth/login');
    expect(login?.headers.get('X-Requested-With')).toBe('XMLHttpRequest');
  });
});
