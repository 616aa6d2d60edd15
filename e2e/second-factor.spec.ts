import { Authenticator } from './authenticator.ts';
import { expectNoSeriousViolations } from './axe.ts';
import { expect, test } from './fixtures.ts';
import { ReauthenticationDialog } from './pages/reauthentication-dialog.ts';
import { SecondStep } from './pages/second-step.ts';
import { TwoFactorSection } from './pages/two-factor-section.ts';

// The second factor in a real browser against the real API (section 17): an authenticator app
// added from Settings, whose codes this test computes from the setup key the page shows (as a
// phone would from the QR code), the two-step sign-in with a code and with a recovery code, a used
// recovery code refused, and the factor turned off. Axe checks each new view on the way.

test('when a user adds an authenticator app, then signing in takes a code or a recovery code (each once), and turning it off brings back the password alone', async ({
  page,
  signedIn,
  settingsPage,
  loginPage,
  dashboardPage,
}) => {
  // Four axe scans and six sign-ins.
  test.setTimeout(120_000);
  const twoFactor = new TwoFactorSection(page);
  const secondStep = new SecondStep(page);
  const dialog = new ReauthenticationDialog(page);

  // Enrol: the QR code and the setup key, then the app's first code.
  await settingsPage.openFromNav('Settings');
  await expect(twoFactor.section).toContainText('Off. Your password alone signs you in.');
  await twoFactor.setUp.click();
  await expect(twoFactor.qrCode).toBeVisible();
  const app = new Authenticator(await twoFactor.setupKey.inputValue());
  await expectNoSeriousViolations(page, 'enrolment');
  await twoFactor.firstCode.fill(await app.nextCode());
  await twoFactor.turnOn.click();
  await expect(twoFactor.recoveryCodes).toHaveCount(10);
  const firstCodes = await twoFactor.shownRecoveryCodes();
  await expectNoSeriousViolations(page, 'recovery codes');
  await expect(twoFactor.done).toBeDisabled();
  await twoFactor.savedThem.check();
  await twoFactor.done.click();
  await expect(twoFactor.section).toContainText('Recovery codes left: 10 of 10.');

  // New codes need a sign-in with the factor, which this session (a password alone) is not: the
  // dialog asks for the password and a code at once. Given an old recovery code, it renews them.
  await twoFactor.newRecoveryCodes.click();
  await expect(dialog.code).toBeVisible();
  await expectNoSeriousViolations(page, 're-authentication with a code');
  await dialog.dialog.getByRole('button', { name: 'Use a recovery code instead', exact: true }).click();
  await dialog.password.fill(signedIn.password);
  await dialog.dialog.getByLabel('Recovery code', { exact: true }).fill(firstCodes[0] as string);
  await dialog.confirm.click();
  await expect(dialog.dialog).toBeHidden();
  await expect(twoFactor.recoveryCodes).toHaveCount(10);
  const codes = await twoFactor.shownRecoveryCodes();
  expect(codes.filter((code) => firstCodes.includes(code))).toEqual([]);
  await twoFactor.savedThem.check();
  await twoFactor.done.click();

  // Password, then the app's code. The challenge stays in the page: not in the address, not in storage.
  await settingsPage.signOut.click();
  await expect(loginPage.heading).toBeVisible();
  // From the start, so that the sign-in leads to the dashboard rather than back to Settings.
  await loginPage.goto();
  expect(await loginPage.signIn(signedIn)).toBe(401);
  await expect(secondStep.code).toBeFocused();
  expect(page.url()).not.toContain('challenge');
  expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
  await expectNoSeriousViolations(page, 'second step');
  expect(await secondStep.submit(secondStep.code, await app.nextCode())).toBe(200);
  await expect(dashboardPage.whoAmI).toContainText(signedIn.email);

  // Password, then a recovery code.
  await dashboardPage.signOut.click();
  expect(await loginPage.signIn(signedIn)).toBe(401);
  await secondStep.useRecoveryCode.click();
  await expect(secondStep.recoveryCode).toBeFocused();
  expect(await secondStep.submit(secondStep.recoveryCode, codes[0] as string)).toBe(200);
  await expect(dashboardPage.whoAmI).toContainText(signedIn.email);

  // The same recovery code a second time: refused; another one works.
  await dashboardPage.signOut.click();
  expect(await loginPage.signIn(signedIn)).toBe(401);
  await secondStep.useRecoveryCode.click();
  expect(await secondStep.submit(secondStep.recoveryCode, codes[0] as string)).toBe(401);
  await expect(secondStep.alert).toHaveText('The recovery code is wrong or was used already. Each recovery code works once.');
  expect(await secondStep.submit(secondStep.recoveryCode, codes[1] as string)).toBe(200);
  await expect(dashboardPage.whoAmI).toContainText(signedIn.email);

  // Turning it off: this sign-in used the factor just now, so no dialog; asked first on the page.
  await settingsPage.openFromNav('Settings');
  await expect(twoFactor.section).toContainText('Recovery codes left: 8 of 10.');
  await twoFactor.turnOff.click();
  await twoFactor.confirmTurnOff.click();
  await expect(twoFactor.notice).toContainText('Two-factor authentication is off');
  await expect(twoFactor.setUp).toBeVisible();

  // The password alone signs in again.
  await settingsPage.signOut.click();
  await loginPage.goto();
  expect(await loginPage.signIn(signedIn)).toBe(200);
  await expect(dashboardPage.whoAmI).toContainText(signedIn.email);
});
