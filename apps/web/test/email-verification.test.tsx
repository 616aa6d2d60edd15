import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, DEMO_USER, deferred, installApiDouble, noContent, problem, server } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

const banner = () => screen.queryByRole('region', { name: 'Email address not confirmed' });

describe('email verification banner', () => {
  it('when a signed-in user has not confirmed the address, then every page says so and names the address', async () => {
    const apiDouble = installApiDouble();
    const newcomer = apiDouble.addUnverifiedUser();
    apiDouble.giveCookie(newcomer);
    const app = renderApp('/');
    await screen.findByRole('heading', { level: 1, name: 'Dashboard' });

    expect(await screen.findByRole('region', { name: 'Email address not confirmed' })).toHaveTextContent(
      `Confirm your email address: we sent a link to ${newcomer.email}.`,
    );
    await app.user.click(screen.getByRole('link', { name: 'Sessions' }));
    await screen.findByRole('heading', { level: 1, name: 'Sessions' });
    expect(banner()).toBeInTheDocument();
  });

  it('when the address is confirmed, then there is no banner', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    const app = renderApp('/');
    await screen.findByRole('heading', { level: 1, name: 'Dashboard' });
    await waitFor(() => expect(apiDouble.count('GET', '/api/me')).toBe(1));

    // A second /api/me, asked after the layout's and shown on the page: the layout's has been answered by then.
    await app.user.click(screen.getByRole('button', { name: 'Call /api/me' }));
    await screen.findByText(`/api/me answered: ${DEMO_USER.name} (${DEMO_USER.email})`);
    expect(banner()).not.toBeInTheDocument();
  });

  it('when "Send the link again" is pressed, then the API is asked once and a status says where it went', async () => {
    const apiDouble = installApiDouble();
    const newcomer = apiDouble.addUnverifiedUser();
    apiDouble.giveCookie(newcomer);
    const app = renderApp('/');
    const region = await screen.findByRole('region', { name: 'Email address not confirmed' });

    await app.user.click(within(region).getByRole('button', { name: 'Send the link again' }));

    expect(await within(region).findByRole('status')).toHaveTextContent(`We sent a new link to ${newcomer.email}.`);
    expect(apiDouble.count('POST', '/api/me/verification-email')).toBe(1);
  });

  it('when the API limits the mails (429), then its own words say when to try again, in an alert', async () => {
    const apiDouble = installApiDouble();
    const newcomer = apiDouble.addUnverifiedUser();
    apiDouble.giveCookie(newcomer);
    server.use(
      http.post(api('/api/me/verification-email'), () =>
        problem(429, 'rate_limited', { detail: 'Too many requests; try again in 840 seconds', headers: { 'Retry-After': '840' } }),
      ),
    );
    const app = renderApp('/');
    const region = await screen.findByRole('region', { name: 'Email address not confirmed' });

    await app.user.click(within(region).getByRole('button', { name: 'Send the link again' }));

    expect(await within(region).findByRole('alert')).toHaveTextContent('Too many requests; try again in 840 seconds');
    expect(app.client.getSession()).not.toBeNull();
  });
});

describe('verify email page', () => {
  it('when a signed-in user opens the link, then it is applied once, the token leaves the address bar, the session is refreshed and the banner goes', async () => {
    const apiDouble = installApiDouble();
    const newcomer = apiDouble.addUnverifiedUser();
    apiDouble.giveCookie(newcomer);
    const token = apiDouble.mailLink('verify_email', newcomer);
    const app = renderApp(`/verify-email#token=${token}`);

    expect(await screen.findByRole('heading', { level: 1, name: 'Confirm your email address' })).toBeInTheDocument();
    expect(await screen.findByText('Your email address is confirmed.')).toHaveAttribute('role', 'status');
    expect(app.url()).toBe('/verify-email');
    // StrictMode runs the page's effect twice; the link is still sent once (a second try would be link_used).
    expect(apiDouble.count('POST', '/auth/verify-email')).toBe(1);
    expect(apiDouble.isVerified(newcomer)).toBe(true);
    // One refresh restored the session at start-up; the second gives a token that states the verified address.
    expect(apiDouble.count('POST', '/auth/refresh')).toBe(2);
    const verifyAt = apiDouble.requests.findIndex((r) => r.method === 'POST' && r.path === '/auth/verify-email');
    expect(apiDouble.requests.findLastIndex((r) => r.method === 'POST' && r.path === '/auth/refresh')).toBeGreaterThan(verifyAt);

    await app.user.click(screen.getByRole('link', { name: 'Go to the dashboard' }));
    await screen.findByRole('heading', { level: 1, name: 'Dashboard' });
    expect(banner()).not.toBeInTheDocument();
  });

  it('when the banner is showing and the address is confirmed in this tab, then the banner goes without a reload', async () => {
    const apiDouble = installApiDouble();
    const newcomer = apiDouble.addUnverifiedUser();
    apiDouble.giveCookie(newcomer);
    const token = apiDouble.mailLink('verify_email', newcomer);
    const app = renderApp('/');
    await screen.findByRole('region', { name: 'Email address not confirmed' });

    app.navigate(`/verify-email#token=${token}`);
    await screen.findByText('Your email address is confirmed.');
    await app.user.click(screen.getByRole('link', { name: 'Go to the dashboard' }));

    await screen.findByRole('heading', { level: 1, name: 'Dashboard' });
    expect(banner()).not.toBeInTheDocument();
  });

  it('when a signed-out browser opens the link, then it is confirmed and the page offers to sign in, with no refresh after it', async () => {
    const apiDouble = installApiDouble();
    const newcomer = apiDouble.addUnverifiedUser();
    const token = apiDouble.mailLink('verify_email', newcomer);
    const app = renderApp(`/verify-email#token=${token}`);

    expect(await screen.findByText('Your email address is confirmed.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/login');
    expect(app.url()).toBe('/verify-email');
    expect(apiDouble.isVerified(newcomer)).toBe(true);
    // Only the start-up attempt, which found no session.
    expect(apiDouble.count('POST', '/auth/refresh')).toBe(1);
  });

  it('while the API has not answered, then a status says the address is being confirmed', async () => {
    const apiDouble = installApiDouble();
    const newcomer = apiDouble.addUnverifiedUser();
    const token = apiDouble.mailLink('verify_email', newcomer);
    const held = deferred();
    server.use(
      http.post(api('/auth/verify-email'), async () => {
        await held.promise;
        return noContent();
      }),
    );
    renderApp(`/verify-email#token=${token}`);

    expect(await screen.findByText('Confirming your email address…')).toHaveAttribute('role', 'status');
    held.resolve();
    expect(await screen.findByText('Your email address is confirmed.')).toBeInTheDocument();
  });

  it.each([
    ['used', 'link_used', 'This link was already used. If you opened it before, your address is already confirmed.'],
    ['expired', 'link_expired', 'This link has expired: a link to confirm an address works for 24 hours.'],
  ] as const)(
    'when the link was %s, then the page says so in an alert and a signed-out user is asked to sign in',
    async (state, _code, message) => {
      const apiDouble = installApiDouble();
      const newcomer = apiDouble.addUnverifiedUser();
      const token = apiDouble.mailLink('verify_email', newcomer, state);
      const app = renderApp(`/verify-email#token=${token}`);

      expect(await screen.findByRole('alert')).toHaveTextContent(message);
      expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/login');
      expect(screen.queryByText('Your email address is confirmed.')).not.toBeInTheDocument();
      expect(app.url()).toBe('/verify-email');
    },
  );

  it('when the link names no link the API made, then the page says it is not valid', async () => {
    const apiDouble = installApiDouble();
    renderApp(`/verify-email#token=${'z'.repeat(43)}`);

    expect(await screen.findByRole('alert')).toHaveTextContent('This link is not valid.');
    expect(apiDouble.count('POST', '/auth/verify-email')).toBe(1);
  });

  it('when the link was cut short, then the API refuses its shape and the page says it is not valid', async () => {
    const apiDouble = installApiDouble();
    renderApp('/verify-email#token=abc');

    expect(await screen.findByRole('alert')).toHaveTextContent('This link is not valid.');
    expect(apiDouble.count('POST', '/auth/verify-email')).toBe(1);
  });

  it('when the address has no token at all, then the page says the link is not valid without asking the API', async () => {
    const apiDouble = installApiDouble();
    renderApp('/verify-email');

    expect(await screen.findByRole('alert')).toHaveTextContent('This link is not valid.');
    expect(apiDouble.count('POST', '/auth/verify-email')).toBe(0);
  });

  it('when a signed-in user opens an expired link, then the page offers to send a new one', async () => {
    const apiDouble = installApiDouble();
    const newcomer = apiDouble.addUnverifiedUser();
    apiDouble.giveCookie(newcomer);
    const token = apiDouble.mailLink('verify_email', newcomer, 'expired');
    const app = renderApp(`/verify-email#token=${token}`);
    await screen.findByRole('alert');

    await app.user.click(await screen.findByRole('button', { name: 'Send a new link' }));

    expect(await screen.findByRole('status')).toHaveTextContent(`We sent a new link to ${newcomer.email}.`);
    expect(apiDouble.count('POST', '/api/me/verification-email')).toBe(1);
  });

  it('when the API cannot be reached, then the page says so and "Try again" sends the same link again', async () => {
    const apiDouble = installApiDouble();
    const newcomer = apiDouble.addUnverifiedUser();
    const token = apiDouble.mailLink('verify_email', newcomer);
    server.use(http.post(api('/auth/verify-email'), () => problem(503, 'service_unavailable'), { once: true }));
    const app = renderApp(`/verify-email#token=${token}`);

    expect(await screen.findByRole('alert')).toHaveTextContent('The service is briefly unavailable. Try again in a moment.');
    await app.user.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await screen.findByText('Your email address is confirmed.')).toBeInTheDocument();
    expect(apiDouble.isVerified(newcomer)).toBe(true);
  });
});
