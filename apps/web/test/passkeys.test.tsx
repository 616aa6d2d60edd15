import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { type ApiDouble, DEMO_USER, installApiDouble, userHandleOf } from './support/api-double.ts';
import { type AuthenticatorDouble, installAuthenticator } from './support/authenticator-double.ts';
import { renderApp } from './support/render-app.tsx';

// Passkeys in the web app (requirement 18): the sign-in page's button and the email field's autofill,
// the second step, the re-authentication dialog and Settings. The app and @simplewebauthn/browser run
// as they are; only the browser's WebAuthn (navigator.credentials) is the authenticator double.

/** The demo user's passkey, registered earlier, held by the authenticator on this device. */
function givePasskey(apiDouble: ApiDouble, authenticator: AuthenticatorDouble, credentialId = 'Y3JlZGVudGlhbC1kZW1v') {
  authenticator.hold({ id: credentialId, userHandle: userHandleOf(DEMO_USER) });
  return apiDouble.registerPasskey(DEMO_USER, credentialId);
}

async function openLogin(path = '/login') {
  const app = renderApp(path);
  await screen.findByRole('heading', { level: 1, name: 'Sign in' });
  return app;
}

/** The passkey button, once its chunk is there: until then a disabled one of the same name stands in its place. */
async function passkeyButton() {
  const button = () => screen.getByRole('button', { name: 'Sign in with a passkey' });
  await waitFor(() => expect(button()).toBeEnabled());
  return button();
}
const requestsTo = (apiDouble: ApiDouble, path: string) => apiDouble.requests.filter((r) => r.method === 'POST' && r.path === path);

describe('signing in with a passkey', () => {
  it('when the browser has no WebAuthn, then the page offers no passkey, and the email field still names the account for password managers', async () => {
    installApiDouble();
    await openLogin();

    expect(screen.queryByRole('button', { name: /passkey/ })).not.toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveAttribute('autocomplete', 'username webauthn');
  });

  it('when the person uses the passkey button with no email typed, then the session starts and the page goes on to where they were headed', async () => {
    const apiDouble = installApiDouble();
    const authenticator = installAuthenticator();
    givePasskey(apiDouble, authenticator);
    const app = await openLogin('/login?returnTo=%2Fsessions');

    await app.user.click(await passkeyButton());

    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' })).toBeInTheDocument();
    expect(app.client.getSession()?.user.email).toBe(DEMO_USER.email);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(authenticator.asked.at(-1)).toEqual({ kind: 'get', mediation: undefined });
    expect(requestsTo(apiDouble, '/auth/passkey')).toHaveLength(1);
    expect(requestsTo(apiDouble, '/auth/passkey')[0]?.headers.get('X-Requested-With')).toBe('XMLHttpRequest');
    expect(apiDouble.passkeysOf(DEMO_USER)[0]?.lastUsedAt).not.toBeNull();
  });

  it('when the person closes the browser dialog, then nothing alarming is said, no session starts, and the button works again', async () => {
    const apiDouble = installApiDouble();
    const authenticator = installAuthenticator();
    givePasskey(apiDouble, authenticator);
    const app = await openLogin();
    authenticator.cancelNextDialog();

    await app.user.click(await passkeyButton());

    await waitFor(() => expect(screen.getByRole('button', { name: 'Sign in with a passkey' })).toBeEnabled());
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(app.client.getSession()).toBeNull();
    expect(requestsTo(apiDouble, '/auth/passkey')).toHaveLength(0);

    await app.user.click(screen.getByRole('button', { name: 'Sign in with a passkey' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
  });

  it('when the passkey was removed from its account, then the page says so, the focus goes there, and the browser is told the passkey is unknown', async () => {
    installApiDouble();
    const authenticator = installAuthenticator();
    authenticator.hold({ id: 'cmVtb3ZlZC1wYXNza2V5', userHandle: userHandleOf(DEMO_USER) });
    const app = await openLogin();

    await app.user.click(await passkeyButton());

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This passkey is not registered to any account here (it may have been removed).');
    await waitFor(() => expect(alert).toHaveFocus());
    expect(app.client.getSession()).toBeNull();
    await waitFor(() => expect(authenticator.signals).toEqual([{ rpId: 'localhost', credentialId: 'cmVtb3ZlZC1wYXNza2V5' }]));
  });

  it('when the browser offers passkeys in autofill, then a conditional request waits from the start, and picking the passkey there signs in', async () => {
    const apiDouble = installApiDouble();
    const authenticator = installAuthenticator({ conditional: true });
    givePasskey(apiDouble, authenticator);
    const app = await openLogin();

    await waitFor(() => expect(authenticator.isOfferingInAutofill()).toBe(true));
    expect(authenticator.asked).toContainEqual({ kind: 'get', mediation: 'conditional' });
    authenticator.pickInAutofill();

    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    expect(app.client.getSession()?.user.email).toBe(DEMO_USER.email);
    // StrictMode mounts the page twice: each mount asked for options, one sign-in was made.
    expect(requestsTo(apiDouble, '/auth/passkey')).toHaveLength(1);
  });

  it('when the autofill waited past its options, then the sign-in is refused as expired, said calmly, and autofill is offered again with new options once back in the field', async () => {
    const apiDouble = installApiDouble();
    const authenticator = installAuthenticator({ conditional: true });
    givePasskey(apiDouble, authenticator);
    const app = await openLogin();
    await waitFor(() => expect(authenticator.isOfferingInAutofill()).toBe(true));
    const optionsBefore = requestsTo(apiDouble, '/auth/passkey/options').length;

    apiDouble.expirePasskeyCeremonies();
    authenticator.pickInAutofill();

    expect(await screen.findByRole('alert')).toHaveTextContent('That took too long, and the request expired. Try the passkey again.');
    expect(authenticator.isOfferingInAutofill()).toBe(false);
    await app.user.click(screen.getByLabelText('Email'));
    await waitFor(() => expect(authenticator.isOfferingInAutofill()).toBe(true));
    expect(requestsTo(apiDouble, '/auth/passkey/options').length).toBe(optionsBefore + 1);
    authenticator.pickInAutofill();
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    expect(app.client.getSession()).not.toBeNull();
  });

  it('when the button is used while autofill waits, then the autofill request ends quietly and the dialog signs in', async () => {
    const apiDouble = installApiDouble();
    const authenticator = installAuthenticator({ conditional: true });
    givePasskey(apiDouble, authenticator);
    const app = await openLogin();
    await waitFor(() => expect(authenticator.isOfferingInAutofill()).toBe(true));

    await app.user.click(await passkeyButton());

    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    expect(authenticator.isOfferingInAutofill()).toBe(false);
    expect(requestsTo(apiDouble, '/auth/passkey')).toHaveLength(1);
  });

  it('when the page is left while autofill waits, then the request is ended', async () => {
    const apiDouble = installApiDouble();
    const authenticator = installAuthenticator({ conditional: true });
    givePasskey(apiDouble, authenticator);
    const app = await openLogin();
    await waitFor(() => expect(authenticator.isOfferingInAutofill()).toBe(true));

    await app.user.click(screen.getByRole('link', { name: 'Create an account' }));

    await screen.findByRole('heading', { level: 1, name: 'Create an account' });
    expect(authenticator.isOfferingInAutofill()).toBe(false);
  });
});

describe('a passkey as the second step', () => {
  it('when an account with an authenticator app has a passkey, then the second step offers it, and the passkey completes the sign-in', async () => {
    const apiDouble = installApiDouble();
    apiDouble.enrolTotp(DEMO_USER);
    const authenticator = installAuthenticator();
    givePasskey(apiDouble, authenticator);
    const app = await openLogin();
    await app.user.type(screen.getByLabelText('Email'), DEMO_USER.email);
    await app.user.type(screen.getByLabelText('Password'), DEMO_USER.password);
    await app.user.click(screen.getByRole('button', { name: 'Sign in' }));
    const step = await screen.findByRole('region', { name: 'Two-factor authentication' });

    await app.user.click(within(step).getByRole('button', { name: 'Use a passkey instead' }));
    const usePasskey = within(step).getByRole('button', { name: 'Use a passkey' });
    await waitFor(() => expect(usePasskey).toHaveFocus());
    expect(within(step).getByRole('button', { name: 'Use your authenticator app instead' })).toBeInTheDocument();
    await app.user.click(usePasskey);

    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    expect(app.client.getSession()?.user.email).toBe(DEMO_USER.email);
    expect(requestsTo(apiDouble, '/auth/login/second-factor/passkey-options')).toHaveLength(1);
    expect(requestsTo(apiDouble, '/auth/login/second-factor')).toHaveLength(1);
  });

  it('when the browser has no WebAuthn, then the second step does not offer the passkey', async () => {
    const apiDouble = installApiDouble();
    apiDouble.enrolTotp(DEMO_USER);
    apiDouble.registerPasskey(DEMO_USER, 'Y3JlZGVudGlhbC1kZW1v');
    const app = await openLogin();
    await app.user.type(screen.getByLabelText('Email'), DEMO_USER.email);
    await app.user.type(screen.getByLabelText('Password'), DEMO_USER.password);
    await app.user.click(screen.getByRole('button', { name: 'Sign in' }));
    const step = await screen.findByRole('region', { name: 'Two-factor authentication' });

    expect(within(step).getByLabelText('Authentication code')).toBeInTheDocument();
    expect(within(step).queryByRole('button', { name: /passkey/ })).not.toBeInTheDocument();
  });
});

/** Settings, signed in as the demo user, once the passkeys are listed. */
async function settings(prepare?: (apiDouble: ApiDouble, authenticator: AuthenticatorDouble) => void, withWebAuthn = true) {
  const apiDouble = installApiDouble();
  apiDouble.giveCookie(DEMO_USER);
  const authenticator = withWebAuthn ? installAuthenticator() : null;
  if (authenticator) prepare?.(apiDouble, authenticator);
  const app = renderApp('/settings');
  const section = await screen.findByRole('region', { name: 'Passkeys' });
  await waitFor(() => expect(within(section).queryByText('Loading passkeys…')).not.toBeInTheDocument());
  return { apiDouble, authenticator: authenticator as AuthenticatorDouble, app, section };
}

describe('passkeys in Settings', () => {
  it('when the account has a passkey, then it is listed with its name, kind, when it was added and last used', async () => {
    const { section } = await settings((apiDouble, authenticator) => givePasskey(apiDouble, authenticator));

    const list = within(section).getByRole('list', { name: 'Your passkeys' });
    const item = within(list).getByRole('listitem');
    expect(item).toHaveTextContent('MacBook');
    expect(item).toHaveTextContent('Device-bound: only the device or security key that made it holds it');
    expect(item).toHaveTextContent(/Added .*2025.*never used yet/);
    expect(within(item).getByRole('button', { name: 'Rename “MacBook”' })).toBeInTheDocument();
  });

  it('when a passkey is added with a name, then the browser makes it, the API keeps it under that name, and the list and a message show it', async () => {
    const { apiDouble, authenticator, app, section } = await settings();
    expect(section).toHaveTextContent('This account has no passkeys.');

    const name = within(section).getByLabelText('Name for a new passkey');
    await app.user.clear(name);
    await app.user.type(name, 'Work laptop');
    await app.user.click(within(section).getByRole('button', { name: 'Add a passkey' }));

    const done = await within(section).findByRole('status');
    expect(done).toHaveTextContent('“Work laptop” was added.');
    await waitFor(() => expect(done).toHaveFocus());
    expect(within(section).getByRole('listitem')).toHaveTextContent('Synced: a password manager or your devices');
    expect(apiDouble.passkeysOf(DEMO_USER)).toMatchObject([{ name: 'Work laptop', transports: ['internal', 'hybrid'] }]);
    expect(authenticator.held).toHaveLength(1);
  });

  it('when the sign-in is old, then adding asks to confirm it is you, with the password, and goes on', async () => {
    const { apiDouble, app, section } = await settings();
    apiDouble.ageSignIns();

    await app.user.click(within(section).getByRole('button', { name: 'Add a passkey' }));
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    expect(within(dialog).queryByRole('button', { name: 'Use a passkey' })).not.toBeInTheDocument();
    await app.user.type(within(dialog).getByLabelText('Password'), DEMO_USER.password);
    await app.user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    expect(await within(section).findByRole('status')).toHaveTextContent('was added');
    expect(apiDouble.passkeysOf(DEMO_USER)).toHaveLength(1);
  });

  it('when the person cancels the browser dialog while adding, then nothing is said and nothing is kept', async () => {
    const { apiDouble, authenticator, app, section } = await settings();
    authenticator.cancelNextDialog();

    await app.user.click(within(section).getByRole('button', { name: 'Add a passkey' }));

    await waitFor(() => expect(within(section).getByRole('button', { name: 'Add a passkey' })).toBeEnabled());
    expect(within(section).queryByRole('alert')).not.toBeInTheDocument();
    expect(apiDouble.passkeysOf(DEMO_USER)).toEqual([]);
  });

  it('when a passkey is renamed, then the new name is kept and shown', async () => {
    const { apiDouble, app, section } = await settings((apiDouble, authenticator) => givePasskey(apiDouble, authenticator));

    await app.user.click(within(section).getByRole('button', { name: 'Rename “MacBook”' }));
    const field = within(section).getByLabelText('New name for “MacBook”');
    await waitFor(() => expect(field).toHaveFocus());
    await app.user.clear(field);
    await app.user.type(field, 'YubiKey 5');
    await app.user.click(within(section).getByRole('button', { name: 'Save' }));

    expect(await within(section).findByRole('status')).toHaveTextContent('The passkey is now called “YubiKey 5”.');
    expect(within(section).getByRole('listitem')).toHaveTextContent('YubiKey 5');
    expect(apiDouble.passkeysOf(DEMO_USER)[0]?.name).toBe('YubiKey 5');
  });

  it('when a passkey is removed, then the page asks first, and a sign-in that is old is confirmed with that very passkey', async () => {
    const { apiDouble, app, section } = await settings((apiDouble, authenticator) => givePasskey(apiDouble, authenticator));
    apiDouble.ageSignIns();

    await app.user.click(within(section).getByRole('button', { name: 'Remove “MacBook”' }));
    const question = within(section).getByText(/Remove “MacBook”\? It will no longer sign you in/);
    await waitFor(() => expect(question).toHaveFocus());
    await app.user.click(within(section).getByRole('button', { name: 'Remove it' }));
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    expect(dialog).toHaveAccessibleDescription(/Use a passkey, or enter your password/);
    await app.user.click(await within(dialog).findByRole('button', { name: 'Use a passkey' }));

    expect(await within(section).findByRole('status')).toHaveTextContent('“MacBook” was removed: it signs you in no more.');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(apiDouble.passkeysOf(DEMO_USER)).toEqual([]);
    expect(section).toHaveTextContent('This account has no passkeys.');
    const reauthentication = apiDouble.requests.filter((r) => r.method === 'POST' && r.path === '/auth/reauthenticate');
    expect(reauthentication).toHaveLength(1);
  });

  it('when removing is thought better of, then the passkey stays', async () => {
    const { apiDouble, app, section } = await settings((apiDouble, authenticator) => givePasskey(apiDouble, authenticator));

    await app.user.click(within(section).getByRole('button', { name: 'Remove “MacBook”' }));
    await app.user.click(within(section).getByRole('button', { name: 'Keep it' }));

    expect(within(section).getByRole('button', { name: 'Remove “MacBook”' })).toBeInTheDocument();
    expect(apiDouble.passkeysOf(DEMO_USER)).toHaveLength(1);
  });

  it('when the browser has no WebAuthn, then the passkeys are listed but none can be added', async () => {
    const { section } = await settings(undefined, false);

    expect(within(section).queryByRole('button', { name: 'Add a passkey' })).not.toBeInTheDocument();
    expect(section).toHaveTextContent('This browser cannot make passkeys.');
  });
});
