import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, DEMO_ADMIN, DEMO_USER, installApiDouble, problem, server } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

const NEW_EMAIL = 'moved@example.com';

/** Settings, signed in as the demo user, with the change-of-email form on screen. */
async function changeEmailForm() {
  const apiDouble = installApiDouble();
  apiDouble.giveCookie(DEMO_USER);
  const app = renderApp('/settings');
  const form = await screen.findByRole('form', { name: 'Email address' });
  await within(form).findByText(DEMO_USER.email);
  const submit = async (newEmail: string, currentPassword: string) => {
    await app.user.type(within(form).getByLabelText('New email address'), newEmail);
    await app.user.type(within(form).getByLabelText('Current password'), currentPassword);
    await app.user.click(within(form).getByRole('button', { name: 'Change email' }));
  };
  return { apiDouble, app, form, submit };
}

describe('change of email in Settings', () => {
  it('when the new address and the right password are sent, then the page says where the link went, and nothing changes yet', async () => {
    const { apiDouble, form, submit } = await changeEmailForm();
    expect(within(form).getByLabelText('New email address')).toHaveAttribute('autocomplete', 'email');
    expect(within(form).getByLabelText('Current password')).toHaveAttribute('autocomplete', 'current-password');

    await submit(NEW_EMAIL, DEMO_USER.password);

    expect(await within(form).findByRole('status')).toHaveTextContent(
      `We sent a link to ${NEW_EMAIL}. Your address changes once you open it.`,
    );
    expect(apiDouble.count('POST', '/api/me/email')).toBe(1);
    expect(apiDouble.linkSentTo(NEW_EMAIL)).toBeDefined();
    expect(apiDouble.emailOf(DEMO_USER)).toBe(DEMO_USER.email);
    // The password is not kept on screen once used.
    expect(within(form).getByLabelText('Current password')).toHaveValue('');
  });

  it('when the password is wrong, then the form says so in an alert that takes the focus, and no link is sent', async () => {
    const { apiDouble, form, submit } = await changeEmailForm();

    await submit(NEW_EMAIL, 'not-the-password');

    const alert = await within(form).findByRole('alert');
    expect(alert).toHaveTextContent('The current password is wrong.');
    await waitFor(() => expect(alert).toHaveFocus());
    expect(apiDouble.linkSentTo(NEW_EMAIL)).toBeUndefined();
  });

  it('when the address is not an email, then the API’s field error shows on the field', async () => {
    const { form, submit } = await changeEmailForm();

    await submit('not-an-address', DEMO_USER.password);

    const field = within(form).getByLabelText('New email address');
    await waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    expect(field).toHaveAccessibleDescription('Must be a valid email address.');
    await waitFor(() => expect(field).toHaveFocus());
  });

  it('when no mail can be sent (503), then the form says the address cannot be confirmed now', async () => {
    const { form, submit } = await changeEmailForm();
    server.use(http.post(api('/api/me/email'), () => problem(503, 'service_unavailable')));

    await submit(NEW_EMAIL, DEMO_USER.password);

    expect(await within(form).findByRole('alert')).toHaveTextContent(
      'No email can be sent right now, so a new address cannot be confirmed. Try again later.',
    );
  });
});

describe('confirm email change page', () => {
  it('when the signed-in user opens the link, then it is applied once, the token leaves the address bar, and the session carries the new address', async () => {
    const { apiDouble, app: settings, submit } = await changeEmailForm();
    await submit(NEW_EMAIL, DEMO_USER.password);
    await screen.findByText(`We sent a link to ${NEW_EMAIL}. Your address changes once you open it.`);
    const token = apiDouble.linkSentTo(NEW_EMAIL);
    // The link opens a new page of the app, in the same browser (the refresh cookie is still there).
    settings.unmount();

    const app = renderApp(`/confirm-email-change#token=${token}`);

    expect(await screen.findByRole('heading', { level: 1, name: 'Confirm your new email address' })).toBeInTheDocument();
    expect(await screen.findByText('Your email address is changed. Sign in with the new address from now on.')).toBeInTheDocument();
    expect(app.url()).toBe('/confirm-email-change');
    expect(apiDouble.count('POST', '/auth/confirm-email-change')).toBe(1);
    expect(apiDouble.emailOf(DEMO_USER)).toBe(NEW_EMAIL);
    await waitFor(() => expect(app.client.getSession()?.user.email).toBe(NEW_EMAIL));

    await app.user.click(screen.getByRole('link', { name: 'Go to Settings' }));
    const form = await screen.findByRole('form', { name: 'Email address' });
    expect(await within(form).findByText(NEW_EMAIL)).toBeInTheDocument();
  });

  it('when the link is opened signed out, then the address changes and the page offers to sign in', async () => {
    const apiDouble = installApiDouble();
    const token = apiDouble.mailLink('change_email', DEMO_USER, 'fresh', NEW_EMAIL);
    renderApp(`/confirm-email-change#token=${token}`);

    expect(await screen.findByText('Your email address is changed. Sign in with the new address from now on.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/login');
    expect(apiDouble.emailOf(DEMO_USER)).toBe(NEW_EMAIL);
  });

  it.each([
    ['used', 'This link was already used. If you opened it before, your address has already changed.'],
    ['expired', 'This link has expired: a link to confirm a new address works for 24 hours. Ask for a new one in Settings.'],
  ] as const)('when the link is %s, then the page says so and the address stays', async (state, message) => {
    const apiDouble = installApiDouble();
    const token = apiDouble.mailLink('change_email', DEMO_USER, state, NEW_EMAIL);
    renderApp(`/confirm-email-change#token=${token}`);

    expect(await screen.findByRole('alert')).toHaveTextContent(message);
    expect(apiDouble.emailOf(DEMO_USER)).toBe(DEMO_USER.email);
  });

  it('when another account has taken the address meanwhile (409), then the page says the address was not changed', async () => {
    const apiDouble = installApiDouble();
    const token = apiDouble.mailLink('change_email', DEMO_USER, 'fresh', DEMO_ADMIN.email);
    renderApp(`/confirm-email-change#token=${token}`);

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Another account uses this address now, so your address was not changed. Choose another one in Settings.',
    );
    expect(apiDouble.emailOf(DEMO_USER)).toBe(DEMO_USER.email);
  });

  it('when the address has no token, then the link is not valid and nothing is sent', async () => {
    const apiDouble = installApiDouble();
    renderApp('/confirm-email-change');
    expect(await screen.findByRole('alert')).toHaveTextContent('This link is not valid.');
    expect(apiDouble.count('POST', '/auth/confirm-email-change')).toBe(0);
  });

  it('when the link is cut short, then the API refuses its shape and the page calls it not valid', async () => {
    const apiDouble = installApiDouble();
    renderApp('/confirm-email-change#token=abc');
    expect(await screen.findByRole('alert')).toHaveTextContent('This link is not valid.');
    expect(apiDouble.count('POST', '/auth/confirm-email-change')).toBe(1);
  });

  it('when the API is briefly unavailable, then "Try again" sends the same link again', async () => {
    const apiDouble = installApiDouble();
    const token = apiDouble.mailLink('change_email', DEMO_USER, 'fresh', NEW_EMAIL);
    server.use(http.post(api('/auth/confirm-email-change'), () => problem(503, 'service_unavailable'), { once: true }));
    const app = renderApp(`/confirm-email-change#token=${token}`);

    expect(await screen.findByRole('alert')).toHaveTextContent('The service is briefly unavailable. Try again in a moment.');
    await app.user.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await screen.findByText('Your email address is changed. Sign in with the new address from now on.')).toBeInTheDocument();
    expect(apiDouble.emailOf(DEMO_USER)).toBe(NEW_EMAIL);
  });
});
