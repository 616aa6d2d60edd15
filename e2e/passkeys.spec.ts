import type { Page, Response } from '@playwright/test';
import { expectNoSeriousViolations } from './axe.ts';
import { expect, test } from './fixtures.ts';
import { waitForAuthResponse } from './pages/auth-response.ts';
import { PasskeysSection } from './pages/passkeys-section.ts';
import { SecondStep } from './pages/second-step.ts';
import { TwoFactorSection } from './pages/two-factor-section.ts';
import { VirtualAuthenticator } from './virtual-authenticator.ts';

// Passkeys in Chromium against the real API (section 18), with Chromium's virtual authenticator (the
// DevTools protocol's WebAuthn domain): real keys, signatures and signature counters, which the API
// verifies with @simplewebauthn/server. The authenticator answers at once, as if touched; a request
// that must wait (the autofill's, while another way is tried) is held by turning that off.
//
// Autofill (conditional mediation): Chromium reports it available, and its virtual authenticator
// answers the page's conditional request at once with the passkey it holds, as if the person had
// picked it among the email field's suggestions; no suggestion list is drawn, so the picking itself
// is not exercised here. What is: the page's conditional request over the field marked `webauthn`,
// started by itself once the page rendered, and the sign-in it completes with no click.

/** The page's next answer to POST /auth/passkey/options, and the ceremony id in it. */
async function nextOptions(page: Page): Promise<{ response: Response; ceremonyId: string }> {
  const response = await waitForAuthResponse(page, '/auth/passkey/options');
  return { response, ceremonyId: ((await response.json()) as { ceremonyId: string }).ceremonyId };
}

test('when a passkey is added in Settings, then it signs in with no email typed (the button, a reload, autofill), a copy with a stale counter is refused, and so is the passkey once removed, which the authenticator is then told', async ({
  page,
  signedIn,
  settingsPage,
  loginPage,
  dashboardPage,
}) => {
  // Three axe scans and six ceremonies.
  test.setTimeout(90_000);
  const authenticator = await VirtualAuthenticator.attach(page);
  const passkeys = new PasskeysSection(page);
  // Every passkey sign-in the page sends: each step below makes exactly the one it says.
  const passkeySignIns: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/auth/passkey') passkeySignIns.push(request.url());
  });

  // Register: named, from this fresh sign-in (recent enough, so no dialog).
  await settingsPage.openFromNav('Settings');
  await expect(passkeys.section).toContainText('This account has no passkeys.');
  await expectNoSeriousViolations(page, 'passkeys in Settings, none yet');
  await passkeys.addNamed('Virtual authenticator');
  await expect(passkeys.notice).toHaveText(
    '“Virtual authenticator” was added. Sign in with it from the sign-in page: “Sign in with a passkey”.',
  );
  await expect(passkeys.notice).toBeFocused();
  const row = passkeys.row('Virtual authenticator');
  await expect(row).toContainText('Device-bound');
  await expect(row).toContainText('never used yet');
  const held = await authenticator.credentials();
  expect(held).toHaveLength(1);
  expect(held[0]).toMatchObject({ rpId: 'localhost', isResidentCredential: true, userName: signedIn.email });
  await expectNoSeriousViolations(page, 'passkeys in Settings, one listed');

  // The button, no email typed. While the page loads the authenticator waits for a touch, so the
  // autofill's request stays open; the button ends it and asks with options of its own.
  // The login page that signing out lands on asks for options too: that answer is read before the
  // page is loaded again, or on a busy machine it arrives late, is taken for the new page's, and its
  // body is gone with the page that asked.
  await authenticator.setPresence(false);
  const signedOutOptions = nextOptions(page);
  await settingsPage.signOut.click();
  await expect(loginPage.heading).toBeVisible();
  await signedOutOptions;
  const autofillOptions = nextOptions(page);
  await loginPage.goto();
  await autofillOptions;
  await expect(loginPage.email).toHaveAttribute('autocomplete', 'username webauthn');
  await expect(loginPage.email).toHaveValue('');
  await expect(loginPage.passkey).toBeEnabled();
  await expectNoSeriousViolations(page, 'sign-in with a passkey');
  await authenticator.setPresence(true);
  const buttonOptions = nextOptions(page);
  const buttonSignIn = waitForAuthResponse(page, '/auth/passkey');
  await loginPage.passkey.click();
  expect((await buttonSignIn).status()).toBe(200);
  expect((await buttonSignIn).request().postDataJSON().ceremonyId).toBe((await buttonOptions).ceremonyId);
  await expect(dashboardPage.whoAmI).toContainText(signedIn.email);

  // A reload restores the session from the cookie, as after a password.
  await page.reload();
  await expect(dashboardPage.whoAmI).toContainText(signedIn.email);

  // A copy of the key as it is now, before its counter moves on.
  const [copy] = await authenticator.credentials();
  if (!copy) throw new Error('the authenticator holds no credential');

  // Autofill: the login page's own conditional request, answered at once; nothing is clicked.
  const autofillSignIn = waitForAuthResponse(page, '/auth/passkey');
  await dashboardPage.signOut.click();
  expect((await autofillSignIn).status()).toBe(200);
  await expect(dashboardPage.whoAmI).toContainText(signedIn.email);
  const [afterUse] = await authenticator.credentials();
  expect(afterUse?.signCount).toBeGreaterThan(copy.signCount);

  // The copy with its old counter in place of the key: its next signature does not go past the count
  // the API holds, which only a second authenticator holding the key could produce. Swapped while
  // no request is open (one open while the authenticator's keys change may be answered at once).
  await authenticator.setPresence(false);
  await authenticator.removeCredential(copy.credentialId);
  await authenticator.addCredential(copy);
  const clonedAutofillOptions = nextOptions(page);
  await dashboardPage.signOut.click();
  await expect(loginPage.heading).toBeVisible();
  await clonedAutofillOptions;
  await authenticator.setPresence(true);
  const clonedSignIn = waitForAuthResponse(page, '/auth/passkey');
  await loginPage.passkey.click();
  const cloned = await clonedSignIn;
  expect(cloned.status()).toBe(401);
  expect((await cloned.json()).code).toBe('passkey_cloned');
  await expect(loginPage.alert).toHaveText(
    'This passkey was refused: its security counter suggests it was copied. Sign in another way, and check your passkeys in Settings.',
  );
  await expect(loginPage.alert).toBeFocused();
  await expect(loginPage.heading).toBeVisible();
  expect(passkeySignIns).toHaveLength(3);

  // Removed in Settings (right after a password sign-in: recent, so no dialog); the authenticator
  // still offers it, and the API no longer knows it. Going back to the email field offers the
  // passkeys again: the authenticator waits meanwhile, or the copy's next signature, one further on,
  // would be ahead of the API's count and sign in (whichever holder is ahead keeps working).
  await authenticator.setPresence(false);
  expect(await loginPage.signIn(signedIn)).toBe(200);
  await expect(dashboardPage.whoAmI).toContainText(signedIn.email);
  await settingsPage.openFromNav('Settings');
  await passkeys.remove('Virtual authenticator');
  await expect(passkeys.notice).toHaveText('“Virtual authenticator” was removed: it signs you in no more.');
  await expect(passkeys.section).toContainText('This account has no passkeys.');
  await authenticator.setPresence(false);
  const removedAutofillOptions = nextOptions(page);
  await settingsPage.signOut.click();
  await expect(loginPage.heading).toBeVisible();
  await removedAutofillOptions;
  expect(await authenticator.credentials()).toHaveLength(1);
  await authenticator.setPresence(true);
  const unknownSignIn = waitForAuthResponse(page, '/auth/passkey');
  await loginPage.passkey.click();
  const unknown = await unknownSignIn;
  expect(unknown.status()).toBe(401);
  expect((await unknown.json()).code).toBe('passkey_unknown');
  await expect(loginPage.alert).toContainText('This passkey is not registered to any account here');
  await expect(loginPage.heading).toBeVisible();
  expect(passkeySignIns).toHaveLength(4);
  // The page told the browser the passkey is unknown (the Signal API), and the authenticator let it go.
  await expect.poll(async () => (await authenticator.credentials()).length).toBe(0);
});

test('when an account with an authenticator app has a passkey, then the passkey completes the second step after the password', async ({
  page,
  signedIn,
  settingsPage,
  loginPage,
  dashboardPage,
}) => {
  test.setTimeout(60_000);
  const authenticator = await VirtualAuthenticator.attach(page);
  const passkeys = new PasskeysSection(page);
  const twoFactor = new TwoFactorSection(page);
  const secondStep = new SecondStep(page);

  await settingsPage.openFromNav('Settings');
  await passkeys.addNamed('Laptop');
  await expect(passkeys.notice).toContainText('“Laptop” was added.');
  await twoFactor.enrolApp();

  // The password first. The authenticator waits meanwhile: a passkey in the email field's autofill
  // would sign in on its own, with no password and no second step (a passkey is two factors).
  await authenticator.setPresence(false);
  await settingsPage.signOut.click();
  // Signed out for sure before the page is loaded again: a reload while the sign-out is still on its
  // way would restore the session from the cookie it has not yet cleared.
  await expect(loginPage.heading).toBeVisible();
  // From the start, so that the sign-in leads to the dashboard rather than back to Settings.
  await loginPage.goto();
  expect(await loginPage.signIn(signedIn)).toBe(401);
  await expect(secondStep.code).toBeFocused();
  await authenticator.setPresence(true);
  await secondStep.region.getByRole('button', { name: 'Use a passkey instead', exact: true }).click();
  const usePasskey = secondStep.region.getByRole('button', { name: 'Use a passkey', exact: true });
  await expect(usePasskey).toBeFocused();
  await expectNoSeriousViolations(page, 'second step with a passkey');
  const secondStepAnswer = waitForAuthResponse(page, '/auth/login/second-factor');
  await usePasskey.click();
  const answer = await secondStepAnswer;
  expect(answer.status()).toBe(200);
  expect(Object.keys(answer.request().postDataJSON()).sort()).toEqual(['challenge', 'passkey']);
  await expect(dashboardPage.whoAmI).toContainText(signedIn.email);

  // Signed in with the second factor just now: the factor can be turned off without a dialog.
  await settingsPage.openFromNav('Settings');
  await twoFactor.turnOff.click();
  await twoFactor.confirmTurnOff.click();
  await expect(twoFactor.notice).toContainText('Two-factor authentication is off');
});
