import { RECOVERY_CODE_COUNT } from '@spa-auth/contract';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DEMO_USER, installApiDouble } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

/** Settings, signed in as the demo user (a sign-in without the second factor), once the section has its status. */
async function settings(prepare?: (apiDouble: ReturnType<typeof installApiDouble>) => void) {
  const apiDouble = installApiDouble();
  apiDouble.giveCookie(DEMO_USER);
  prepare?.(apiDouble);
  const app = renderApp('/settings');
  const section = await screen.findByRole('region', { name: 'Two-factor authentication' });
  await waitFor(() => expect(within(section).queryByText('Loading…')).not.toBeInTheDocument());
  return { apiDouble, app, section };
}

const dialog = () => screen.findByRole('dialog', { name: 'Confirm it is you' });

describe('two-factor authentication in Settings', () => {
  it('when the account has none, then the section says it is off and the app is added: QR code, setup key, first code, ten recovery codes shown once', async () => {
    const { apiDouble, app, section } = await settings();
    expect(section).toHaveTextContent('Off. Your password alone signs you in.');

    await app.user.click(within(section).getByRole('button', { name: 'Set up an authenticator app' }));

    const heading = await within(section).findByRole('heading', { name: 'Set up your authenticator app' });
    await waitFor(() => expect(heading).toHaveFocus());
    const qr = section.querySelector('svg.qr-code');
    expect(qr?.querySelector('title')).toHaveTextContent('QR code for your authenticator app');
    const secret = apiDouble.totpSecretOf(DEMO_USER) as string;
    expect(within(section).getByLabelText('Or type this setup key into the app')).toHaveValue(secret);
    expect(apiDouble.hasTotp(DEMO_USER)).toBe(false);

    await app.user.type(within(section).getByLabelText('Authentication code'), apiDouble.totpCodeOf(DEMO_USER));
    await app.user.click(within(section).getByRole('button', { name: 'Turn on' }));

    const codesHeading = await within(section).findByRole('heading', { name: 'Save your recovery codes' });
    await waitFor(() => expect(codesHeading).toHaveFocus());
    expect(apiDouble.hasTotp(DEMO_USER)).toBe(true);
    const shown = within(within(section).getByRole('list', { name: 'Recovery codes' })).getAllByRole('listitem');
    expect(shown.map((item) => item.textContent).sort()).toEqual(apiDouble.recoveryCodesOf(DEMO_USER).sort());
    expect(shown).toHaveLength(RECOVERY_CODE_COUNT);
    // The secret is gone from the page once the app is confirmed.
    expect(document.body.innerHTML).not.toContain(secret);

    const done = within(section).getByRole('button', { name: 'Done' });
    expect(done).toBeDisabled();
    await app.user.click(within(section).getByRole('checkbox', { name: 'I have saved these codes somewhere safe' }));
    await app.user.click(done);

    expect(await within(section).findByText(`Recovery codes left: ${RECOVERY_CODE_COUNT} of ${RECOVERY_CODE_COUNT}.`)).toBeInTheDocument();
    expect(section).toHaveTextContent('On since');
    expect(within(section).queryByRole('list', { name: 'Recovery codes' })).not.toBeInTheDocument();
    await waitFor(() => expect(within(section).getByRole('heading', { name: 'Two-factor authentication' })).toHaveFocus());
  });

  it('when the first code is wrong, then the form says so and the app stays pending', async () => {
    const { apiDouble, app, section } = await settings();
    await app.user.click(within(section).getByRole('button', { name: 'Set up an authenticator app' }));
    await within(section).findByRole('heading', { name: 'Set up your authenticator app' });

    await app.user.type(within(section).getByLabelText('Authentication code'), '000000');
    await app.user.click(within(section).getByRole('button', { name: 'Turn on' }));

    expect(await within(section).findByRole('alert')).toHaveTextContent('The code is wrong. Check that the time on your device is right');
    expect(apiDouble.hasTotp(DEMO_USER)).toBe(false);
  });

  it('when "Copy codes" is pressed, then the ten codes are on the clipboard, one a line', async () => {
    const { apiDouble, app, section } = await settings();
    await app.user.click(within(section).getByRole('button', { name: 'Set up an authenticator app' }));
    await app.user.type(await within(section).findByLabelText('Authentication code'), apiDouble.totpCodeOf(DEMO_USER));
    await app.user.click(within(section).getByRole('button', { name: 'Turn on' }));
    await within(section).findByRole('heading', { name: 'Save your recovery codes' });

    await app.user.click(within(section).getByRole('button', { name: 'Copy codes' }));

    expect(await within(section).findByText('Copied')).toBeInTheDocument();
    expect((await navigator.clipboard.readText()).split('\n').sort()).toEqual(apiDouble.recoveryCodesOf(DEMO_USER).sort());
  });

  it('when new recovery codes are asked with a sign-in that did not use the factor, then the dialog asks for the password and a code, and new codes show', async () => {
    const { apiDouble, app, section } = await settings((double) => double.enrolTotp(DEMO_USER));
    const before = apiDouble.recoveryCodesOf(DEMO_USER);

    await app.user.click(within(section).getByRole('button', { name: 'Get new recovery codes' }));

    const prompt = await dialog();
    expect(prompt).toHaveAccessibleDescription(/needs a recent sign-in with your second factor/);
    expect(within(prompt).getByLabelText('Authentication code')).toBeInTheDocument();
    await app.user.type(within(prompt).getByLabelText('Password'), DEMO_USER.password);
    await app.user.type(within(prompt).getByLabelText('Authentication code'), apiDouble.totpCodeOf(DEMO_USER));
    await app.user.click(within(prompt).getByRole('button', { name: 'Confirm' }));

    await within(section).findByRole('heading', { name: 'Save your recovery codes' });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    const after = apiDouble.recoveryCodesOf(DEMO_USER);
    expect(after).toHaveLength(RECOVERY_CODE_COUNT);
    expect(after.filter((code) => before.includes(code))).toEqual([]);
    expect(apiDouble.count('POST', '/api/me/recovery-codes')).toBe(2);
  });

  it('when the dialog is given a recovery code instead, then it is sent as one and the action goes ahead', async () => {
    let codes: string[] = [];
    const { apiDouble, app, section } = await settings((double) => {
      codes = double.enrolTotp(DEMO_USER);
    });
    await app.user.click(within(section).getByRole('button', { name: 'Turn off two-factor authentication' }));
    await app.user.click(within(section).getByRole('button', { name: 'Turn it off' }));
    const prompt = await dialog();

    await app.user.click(within(prompt).getByRole('button', { name: 'Use a recovery code instead' }));
    await waitFor(() => expect(within(prompt).getByLabelText('Recovery code')).toHaveFocus());
    await app.user.type(within(prompt).getByLabelText('Password'), DEMO_USER.password);
    await app.user.type(within(prompt).getByLabelText('Recovery code'), codes[0] as string);
    await app.user.click(within(prompt).getByRole('button', { name: 'Confirm' }));

    expect(await within(section).findByRole('status')).toHaveTextContent('Two-factor authentication is off');
    expect(apiDouble.hasTotp(DEMO_USER)).toBe(false);
    expect(await within(section).findByText(/^Off\./)).toBeInTheDocument();
  });

  it('when "Turn off" is pressed, then it asks first, and "Keep it on" changes nothing', async () => {
    const { apiDouble, app, section } = await settings((double) => double.enrolTotp(DEMO_USER));

    await app.user.click(within(section).getByRole('button', { name: 'Turn off two-factor authentication' }));

    const question = within(section).getByText(/^Turn off two-factor authentication\?/);
    await waitFor(() => expect(question).toHaveFocus());
    await app.user.click(within(section).getByRole('button', { name: 'Keep it on' }));
    expect(within(section).getByRole('button', { name: 'Turn off two-factor authentication' })).toBeInTheDocument();
    expect(apiDouble.count('DELETE', '/api/me/totp')).toBe(0);
    expect(apiDouble.hasTotp(DEMO_USER)).toBe(true);
  });

  it('when the dialog is cancelled, then nothing changes and the section says why', async () => {
    const { apiDouble, app, section } = await settings((double) => double.enrolTotp(DEMO_USER));
    await app.user.click(within(section).getByRole('button', { name: 'Get new recovery codes' }));
    const prompt = await dialog();

    await app.user.click(within(prompt).getByRole('button', { name: 'Cancel' }));

    expect(await within(section).findByRole('alert')).toHaveTextContent('Nothing was changed: this needs you to confirm it is you.');
    expect(apiDouble.count('POST', '/auth/reauthenticate')).toBe(0);
  });
});

describe('the re-authentication dialog of an account with a second factor', () => {
  it('when a recent sign-in is wanted and the account has a factor, then the password comes first, and a code is asked once the API says so', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    apiDouble.enrolTotp(DEMO_USER);
    const app = renderApp('/sessions');
    await screen.findByRole('list', { name: 'Active sessions' });
    apiDouble.ageSignIns();

    await app.user.click(screen.getByRole('button', { name: 'Sign out other sessions' }));
    const prompt = await dialog();
    expect(within(prompt).queryByLabelText('Authentication code')).not.toBeInTheDocument();
    await app.user.type(within(prompt).getByLabelText('Password'), DEMO_USER.password);
    await app.user.click(within(prompt).getByRole('button', { name: 'Confirm' }));

    const code = await within(prompt).findByLabelText('Authentication code');
    await waitFor(() => expect(code).toHaveFocus());
    expect(prompt).toHaveTextContent('Your account has two-factor authentication: enter a code as well.');
    expect(within(prompt).getByLabelText('Password')).toHaveValue(DEMO_USER.password);
    expect(within(prompt).queryByRole('alert')).not.toBeInTheDocument();

    await app.user.type(code, '000000');
    await app.user.click(within(prompt).getByRole('button', { name: 'Confirm' }));
    expect(await within(prompt).findByRole('alert')).toHaveTextContent('The code is wrong or was used already.');

    await app.user.clear(code);
    await app.user.type(code, apiDouble.totpCodeOf(DEMO_USER));
    await app.user.click(within(prompt).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByRole('status')).toHaveTextContent('All other sessions were signed out.');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(apiDouble.count('POST', '/auth/reauthenticate')).toBe(3);
  });
});
