import { randomUUID } from 'node:crypto';
import { expect, test } from './fixtures.ts';
import { linkIn, mailTo } from './mail.ts';
import { ChangeEmailForm } from './pages/change-email-form.ts';
import { ConfirmEmailChangePage } from './pages/confirm-email-change-page.ts';

// Change of email with real mail: the link goes to the new address, the old address is told, and
// the account signs in with the new address only.

test('when the user changes the email and opens the link sent to the new address, then the old address is told and only the new one signs in', async ({
  page,
  signedIn,
  settingsPage,
  loginPage,
  dashboardPage,
}) => {
  const newEmail = `e2e-moved-${randomUUID()}@example.com`;
  await settingsPage.openFromNav('Settings');
  const changeEmail = new ChangeEmailForm(page);
  expect(await changeEmail.changeTo(newEmail, signedIn.password)).toBe(202);
  await expect(changeEmail.sent).toHaveText(`We sent a link to ${newEmail}. Your address changes once you open it.`);

  const link = linkIn(await mailTo(newEmail, /Confirm your new email address/));
  expect(new URL(link).pathname).toBe('/confirm-email-change');
  expect(new URL(link).hash).toMatch(/^#token=[\w-]{43}$/);
  const confirmPage = new ConfirmEmailChangePage(page);
  const confirmed = page.waitForResponse((r) => new URL(r.url()).pathname === '/auth/confirm-email-change');
  await page.goto(link);
  expect((await confirmed).status()).toBe(204);
  await expect(confirmPage.confirmed).toBeVisible();
  // The secret is gone from the address bar.
  await expect(page).toHaveURL('/confirm-email-change');

  const notice = await mailTo(signedIn.email, /Your email address was changed/);
  expect(notice.text).toContain(newEmail);

  // This browser is still signed in, now as the new address.
  await confirmPage.toSettings.click();
  await expect(changeEmail.form).toContainText(`Your address is ${newEmail}.`);
  await dashboardPage.openFromNav('Dashboard');
  await expect(dashboardPage.whoAmI).toContainText(newEmail);
  await dashboardPage.signOut.click();
  await expect(loginPage.heading).toBeVisible();
  expect(await loginPage.signIn(signedIn)).toBe(401);
  await expect(loginPage.alert).toHaveText('The email or password is wrong.');
  expect(await loginPage.signIn({ email: newEmail, password: signedIn.password })).toBe(200);
  await expect(dashboardPage.whoAmI).toContainText(newEmail);
});
