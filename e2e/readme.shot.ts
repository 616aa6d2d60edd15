import { expect, test } from './fixtures.ts';
import { NotesPage } from './pages/notes-page.ts';
import { TwoFactorSection } from './pages/two-factor-section.ts';

// `npm run screenshots`: the README's pictures, taken by the same Playwright set-up as the suite.
// Not part of `npm test` (it writes into docs/).

test('the login page', async ({ page, loginPage }) => {
  await loginPage.goto();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
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
