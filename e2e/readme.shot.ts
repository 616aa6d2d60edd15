import { expect, test } from './fixtures.ts';
import { NotesPage } from './pages/notes-page.ts';
import { PasskeysSection } from './pages/passkeys-section.ts';
import { TwoFactorSection } from './pages/two-factor-section.ts';
import { VirtualAuthenticator } from './virtual-authenticator.ts';

// `npm run screenshots`: the README's pictures, taken by the same Playwright set-up as the suite.
// Not part of `npm test` (it writes into docs/).

test('the login page', async ({ page, loginPage }) => {
  await loginPage.goto();
  await expect(loginPage.submit).toBeVisible();
  // The passkey button once its chunk is there (a disabled stand-in until then).
  await expect(loginPage.passkey).toBeEnabled();
  await page.screenshot({ path: 'docs/screenshots/login.png' });
});

test('the dashboard timeline after a burst on an expired token', async ({ page, signedIn: _, dashboardPage }) => {
  await dashboardPage.clearTimeline.click();
  await dashboardPage.waitForExpiry();
  await dashboardPage.sendBurst.click();
  await expect(dashboardPage.result).toHaveText('20 of 20 requests succeeded');
  await expect(dashboardPage.timelineEntries('Refresh finished')).toHaveCount(1);
  await page.screenshot({ path: 'docs/screenshots/dashboard-burst.png', fullPage: true });
});

test('the Notes page, served by another service that takes the same access token', async ({ page, signedIn: _, dashboardPage }) => {
  const notesPage = new NotesPage(page);
  await dashboardPage.openFromNav('Notes');
  for (const text of ['Renew the TLS certificate before Friday', 'Ask the team about the second API instance']) {
    await notesPage.addNote(text);
  }
  await page.screenshot({ path: 'docs/screenshots/notes.png', fullPage: true });
});

test('the authenticator app being added in Settings', async ({ page, signedIn: _, settingsPage }) => {
  const twoFactor = new TwoFactorSection(page);
  await settingsPage.openFromNav('Settings');
  await twoFactor.setUp.click();
  await expect(twoFactor.qrCode).toBeVisible();
  await twoFactor.section.screenshot({ path: 'docs/screenshots/two-factor.png' });
});

test('the passkeys in Settings', async ({ page, signedIn: _, settingsPage }) => {
  await VirtualAuthenticator.attach(page);
  const passkeys = new PasskeysSection(page);
  await settingsPage.openFromNav('Settings');
  await passkeys.addNamed('MacBook Pro');
  await expect(passkeys.row('MacBook Pro')).toBeVisible();
  await passkeys.section.screenshot({ path: 'docs/screenshots/passkeys.png' });
});
