import { expect, test } from './fixtures.ts';
import { linkIn, mailTo } from './mail.ts';
import { ForgotPasswordPage } from './pages/forgot-password-page.ts';
import { ResetPasswordPage } from './pages/reset-password-page.ts';

// Forgot password with real mail: the link is read from the message the mail catcher received.

const RESET = /Reset your password/;

test('when the password is reset from the emailed link, then this browser is signed in, the other browser is signed out, and only the new password works', async ({
  page,
  registered,
  loginPage,
  dashboardPage,
  openBrowser,
}) => {
  const other = await openBrowser();
  await other.loginPage.goto();
  expect(await other.loginPage.signIn(registered)).toBe(200);
  await expect(other.dashboardPage.whoAmI).toContainText(registered.email);

  await loginPage.goto();
  await loginPage.forgotPassword.click();
  const forgotPage = new ForgotPasswordPage(page);
  await expect(forgotPage.heading).toBeVisible();
  expect(await forgotPage.askForLink(registered.email)).toBe(202);
  await expect(forgotPage.sent).toBeVisible();

  const link = linkIn(await mailTo(registered.email, RESET));
  expect(new URL(link).pathname).toBe('/reset-password');
  expect(new URL(link).hash).toMatch(/^#token=[\w-]{43}$/);
  const resetPage = new ResetPasswordPage(page);
  await page.goto(link);
  await expect(resetPage.heading).toBeVisible();
  await expect(page).toHaveURL('/reset-password');
  const newPassword = `new-${registered.password}`;
  expect(await resetPage.setPassword(newPassword)).toBe(200);

  await expect(page).toHaveURL('/');
  await expect(dashboardPage.whoAmI).toContainText(registered.email);

  // Every other session ended with the reset: the other browser's next call leads to the login page.
  await other.dashboardPage.callMe.click();
  await expect(other.page).toHaveURL(/\/login(\?|$)/);
  await expect(other.loginPage.heading).toBeVisible();
  expect(await other.loginPage.signIn(registered)).toBe(401);
  await expect(other.loginPage.alert).toHaveText('The email or password is wrong.');
  expect(await other.loginPage.signIn({ email: registered.email, password: newPassword })).toBe(200);
  await expect(other.dashboardPage.whoAmI).toContainText(registered.email);
});

test('when a reset link is used a second time, then the page says it was used, keeps the password, and offers a new link', async ({
  page,
  registered,
  api,
}) => {
  const forgotPage = new ForgotPasswordPage(page);
  await forgotPage.goto();
  expect(await forgotPage.askForLink(registered.email)).toBe(202);
  const link = linkIn(await mailTo(registered.email, RESET));
  const resetPage = new ResetPasswordPage(page);
  await page.goto(link);
  const firstPassword = `first-${registered.password}`;
  expect(await resetPage.setPassword(firstPassword)).toBe(200);
  await expect(page).toHaveURL('/');

  await page.goto(link);
  expect(await resetPage.setPassword(`second-${registered.password}`)).toBe(400);

  await expect(resetPage.alert).toHaveText(
    'This link was already used. Each link sets a password once; ask for a new one if you still need it.',
  );
  await expect(resetPage.newPassword).toBeHidden();
  await resetPage.askForNewLink.click();
  await expect(forgotPage.heading).toBeVisible();
  // The password is still the one the link set the first time.
  await api.signIn({ email: registered.email, password: firstPassword });
});
