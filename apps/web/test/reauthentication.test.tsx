import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, DEMO_USER, installApiDouble, problem, server } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

/** The sessions page, signed in as the demo user, whose sign-in the API now finds too old for sensitive actions. */
async function sessionsPageWithOldSignIn() {
  const apiDouble = installApiDouble();
  apiDouble.giveCookie(DEMO_USER);
  const app = renderApp('/sessions');
  await screen.findByRole('list', { name: 'Active sessions' });
  apiDouble.ageSignIns();
  return { apiDouble, app, signOutOthers: screen.getByRole('button', { name: 'Sign out other sessions' }) };
}

const passwordIn = (dialog: HTMLElement) => within(dialog).getByLabelText('Password');

describe('re-authentication dialog', () => {
  it('when a sensitive action meets an old sign-in, then a labelled modal dialog takes the focus and asks for the password, with no refresh', async () => {
    const { apiDouble, app, signOutOthers } = await sessionsPageWithOldSignIn();

    await app.user.click(signOutOthers);

    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(dialog).toHaveAccessibleDescription(/needs a recent sign-in \(within the last 10 minutes\)/);
    await waitFor(() => expect(passwordIn(dialog)).toHaveFocus());
    expect(passwordIn(dialog)).toHaveAttribute('autocomplete', 'current-password');
    // Only the start-up refresh: a refresh proves the cookie, not the person.
    expect(apiDouble.count('POST', '/auth/refresh')).toBe(1);
  });

  it('when the right password is typed, then the dialog closes, the action completes without pressing it again, and the focus returns', async () => {
    const { apiDouble, app, signOutOthers } = await sessionsPageWithOldSignIn();
    await app.user.click(signOutOthers);
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });

    await app.user.type(passwordIn(dialog), DEMO_USER.password);
    await app.user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    expect(await screen.findByRole('status')).toHaveTextContent('All other sessions were signed out.');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(apiDouble.count('POST', '/auth/reauthenticate')).toBe(1);
    expect(apiDouble.count('POST', '/api/sessions/revoke-others')).toBe(2);
    const reauthentication = apiDouble.requests.find((r) => r.method === 'POST' && r.path === '/auth/reauthenticate');
    expect(reauthentication?.headers.get('Authorization')).toMatch(/^Bearer at-/);
    expect(reauthentication?.headers.get('X-Requested-With')).toBe('XMLHttpRequest');
    await waitFor(() => expect(signOutOthers).toHaveFocus());
  });

  it('when the password is wrong, then the dialog says so and stays open, and the next try succeeds', async () => {
    const { apiDouble, app, signOutOthers } = await sessionsPageWithOldSignIn();
    await app.user.click(signOutOthers);
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });

    await app.user.type(passwordIn(dialog), 'not-the-password');
    await app.user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The password is wrong. Try again.');
    await waitFor(() => expect(alert).toHaveFocus());
    expect(apiDouble.count('POST', '/api/sessions/revoke-others')).toBe(1);

    await app.user.clear(passwordIn(dialog));
    await app.user.type(passwordIn(dialog), DEMO_USER.password);
    await app.user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    expect(await screen.findByRole('status')).toHaveTextContent('All other sessions were signed out.');
    expect(apiDouble.count('POST', '/auth/reauthenticate')).toBe(2);
    expect(apiDouble.count('POST', '/api/sessions/revoke-others')).toBe(2);
  });

  it('when the API limits the attempts (429), then the dialog shows its detail', async () => {
    const { app, signOutOthers } = await sessionsPageWithOldSignIn();
    server.use(
      http.post(api('/auth/reauthenticate'), () =>
        problem(429, 'rate_limited', { detail: 'Too many wrong passwords; try again in 300 seconds', headers: { 'Retry-After': '300' } }),
      ),
    );
    await app.user.click(signOutOthers);
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });

    await app.user.type(passwordIn(dialog), DEMO_USER.password);
    await app.user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Too many wrong passwords; try again in 300 seconds');
    expect(screen.getByRole('dialog')).toBe(dialog);
  });

  it('when Escape is pressed, then the dialog closes, the action fails with a message, is not sent again, and the focus returns', async () => {
    const { apiDouble, app, signOutOthers } = await sessionsPageWithOldSignIn();
    await app.user.click(signOutOthers);
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    await waitFor(() => expect(passwordIn(dialog)).toHaveFocus());

    await app.user.keyboard('{Escape}');

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByRole('alert')).toHaveTextContent('This needs a sign-in within the last 600 seconds');
    expect(apiDouble.count('POST', '/api/sessions/revoke-others')).toBe(1);
    expect(apiDouble.count('POST', '/auth/reauthenticate')).toBe(0);
    await waitFor(() => expect(signOutOthers).toHaveFocus());
  });

  it('when Tab is pressed on the last control, then the focus wraps to the first: it stays inside the dialog', async () => {
    const { app, signOutOthers } = await sessionsPageWithOldSignIn();
    await app.user.click(signOutOthers);
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    await waitFor(() => expect(passwordIn(dialog)).toHaveFocus());

    await app.user.tab();
    expect(within(dialog).getByRole('button', { name: 'Confirm' })).toHaveFocus();
    await app.user.tab();
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await app.user.tab();
    expect(passwordIn(dialog)).toHaveFocus();
    await app.user.tab({ shift: true });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
  });

  it('when the session ends while the dialog is open, then the dialog closes and the login page shows', async () => {
    const { app, signOutOthers } = await sessionsPageWithOldSignIn();
    await app.user.click(signOutOthers);
    await screen.findByRole('dialog', { name: 'Confirm it is you' });

    await app.client.logout();

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
