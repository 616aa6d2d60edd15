import { expectNoSeriousViolations } from './axe.ts';
import { expect, test } from './fixtures.ts';
import { linkIn, mailTo } from './mail.ts';
import { ApiTokensPage } from './pages/api-tokens-page.ts';
import { ForgotPasswordPage } from './pages/forgot-password-page.ts';
import { ResetPasswordPage } from './pages/reset-password-page.ts';
import { VerifyEmailPage } from './pages/verify-email-page.ts';

// Axe on every page a user meets (axe.ts); the second factor's pages are scanned in second-factor.spec.ts.

test('when axe checks the login, register, dashboard, sessions, settings, API tokens and forbidden pages, then none has a serious or critical violation', async ({
  page,
  account,
  loginPage,
  registerPage,
  dashboardPage,
  sessionsPage,
  settingsPage,
  adminPage,
}) => {
  // Seven pages, each loaded and scanned: the slowest test here, so it gets more than the default 30 s.
  test.setTimeout(90_000);
  await loginPage.goto();
  await expect(loginPage.heading).toBeVisible();
  await expectNoSeriousViolations(page, 'login');

  await registerPage.goto();
  await expect(registerPage.heading).toBeVisible();
  await expectNoSeriousViolations(page, 'register');

  expect((await registerPage.register(account)).status()).toBe(201);
  await expect(dashboardPage.whoAmI).toContainText(account.email);
  await expectNoSeriousViolations(page, 'dashboard');

  await sessionsPage.openFromNav('Sessions');
  await expect(sessionsPage.sessions).toHaveCount(1);
  await expectNoSeriousViolations(page, 'sessions');

  await settingsPage.openFromNav('Settings');
  await expect(settingsPage.name).toHaveValue(account.name);
  await expectNoSeriousViolations(page, 'settings');

  const tokensPage = new ApiTokensPage(page);
  await tokensPage.openFromNav('API tokens');
  await expect(tokensPage.create).toBeVisible();
  await expectNoSeriousViolations(page, 'API tokens');

  await adminPage.openFromNav('Admin');
  await expect(adminPage.forbidden).toBeVisible();
  await expectNoSeriousViolations(page, 'forbidden');
});

test('when the user has only a keyboard, then they can sign in, call the API and sign out', async ({
  page,
  registered,
  loginPage,
  dashboardPage,
}) => {
  await loginPage.goto();
  await expect(loginPage.heading).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(loginPage.email).toBeFocused();
  await page.keyboard.type(registered.email);
  await page.keyboard.press('Tab');
  await expect(loginPage.password).toBeFocused();
  await page.keyboard.type(registered.password);
  await page.keyboard.press('Enter');
  await expect(dashboardPage.heading).toBeFocused();

  // Tab until "Call /api/me" has focus, then Enter.
  for (let i = 0; i < 15 && !(await dashboardPage.callMe.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(dashboardPage.callMe).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dashboardPage.result).toContainText('/api/me answered');

  // Back to the top: skip link, nav, then "Sign out".
  const signOut = page.getByRole('button', { name: 'Sign out' });
  for (let i = 0; i < 15 && !(await signOut.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Shift+Tab');
  }
  await expect(signOut).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(loginPage.heading).toBeVisible();
});

test('when the screen is 360 px wide, then no page scrolls sideways', async ({
  page,
  signedIn: _,
  dashboardPage,
  sessionsPage,
  settingsPage,
}) => {
  await page.setViewportSize({ width: 360, height: 740 });
  for (const target of [dashboardPage, sessionsPage, settingsPage]) {
    await target.goto();
    await expect(target.heading).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${await target.heading.textContent()} is wider than the screen`).toBeLessThanOrEqual(0);
  }
});

test('when axe checks the email pages (the banner, confirm, forgot and reset password), then none has a serious or critical violation', async ({
  page,
  signedIn,
  dashboardPage,
}) => {
  test.setTimeout(60_000);
  await expect(dashboardPage.verificationBanner).toBeVisible();
  await expectNoSeriousViolations(page, 'dashboard with the unconfirmed-address banner');

  const verifyPage = new VerifyEmailPage(page);
  await page.goto(linkIn(await mailTo(signedIn.email, /Confirm your email/)));
  await expect(verifyPage.confirmed).toBeVisible();
  await expectNoSeriousViolations(page, 'email confirmed');

  const forgotPage = new ForgotPasswordPage(page);
  await forgotPage.goto();
  expect(await forgotPage.askForLink(signedIn.email)).toBe(202);
  await expect(forgotPage.sent).toBeVisible();
  await expectNoSeriousViolations(page, 'forgot password');

  const resetPage = new ResetPasswordPage(page);
  await page.goto(linkIn(await mailTo(signedIn.email, /Reset your password/)));
  await expect(resetPage.newPassword).toBeVisible();
  await expectNoSeriousViolations(page, 'reset password');
});
