import { answeredFor, expect, test } from './fixtures.ts';
import { linkIn, mailsTo, mailTo } from './mail.ts';
import { VerifyEmailPage } from './pages/verify-email-page.ts';

// Email verification with real mail: the e2e API sends through SMTP to the mail catcher, and the
// tests open the link the message carries, as a person clicking it in their inbox would.

const CONFIRM = /Confirm your email/;

/** The claims of a JWT, read without checking it: only to see what the API put in the token. */
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

test('when a new account opens the link from its email, then the address is confirmed, the token says so, and the banner goes', async ({
  page,
  signedIn,
  dashboardPage,
  refreshes,
}) => {
  await expect(dashboardPage.verificationBanner).toHaveText(
    new RegExp(`^Confirm your email address: we sent a link to ${signedIn.email.replaceAll('.', '\\.')}\\.`),
  );
  const link = linkIn(await mailTo(signedIn.email, CONFIRM));
  // The secret travels in the fragment, which the browser never sends to a server.
  expect(new URL(link).pathname).toBe('/verify-email');
  expect(new URL(link).hash).toMatch(/^#token=[\w-]{43}$/);

  const verifyPage = new VerifyEmailPage(page);
  const verified = page.waitForResponse((r) => new URL(r.url()).pathname === '/auth/verify-email');
  await page.goto(link);
  expect((await verified).status()).toBe(204);
  expect((await verified).request().postDataJSON()).toEqual({ token: new URL(link).hash.slice('#token='.length) });
  await expect(verifyPage.confirmed).toBeVisible();
  // The token is gone from the address bar and from this history entry.
  await expect(page).toHaveURL('/verify-email');

  // The page refreshed the session once the address was confirmed: the newest token states it.
  const lastRefresh = await refreshes.at(-1)?.response();
  if (!lastRefresh) throw new Error('no answered refresh');
  expect(lastRefresh.status()).toBe(200);
  const { accessToken } = (await lastRefresh.json()) as { accessToken: string };
  expect(claimsOf(accessToken)).toMatchObject({ email_verified: true });

  const me = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/me' && r.request().method() === 'GET');
  await verifyPage.toDashboard.click();
  expect(await (await me).json()).toMatchObject({ user: { email: signedIn.email, emailVerified: true } });
  // A later call's answer on the page: the layout's answer has been drawn by then.
  await dashboardPage.callMe.click();
  await expect(dashboardPage.result).toHaveText(answeredFor(signedIn));
  await expect(dashboardPage.verificationBanner).toBeHidden();
});

test('when "Send the link again" is pressed, then a second mail arrives, with a new link that works', async ({
  page,
  signedIn,
  dashboardPage,
}) => {
  const first = linkIn(await mailTo(signedIn.email, CONFIRM));

  await dashboardPage.sendLinkAgain.click();

  await expect(dashboardPage.verificationBanner.getByRole('status')).toHaveText(`We sent a new link to ${signedIn.email}.`);
  await expect.poll(async () => (await mailsTo(signedIn.email)).filter((m) => CONFIRM.test(m.subject)).length).toBe(2);
  const second = linkIn(await mailTo(signedIn.email, CONFIRM));
  expect(second).not.toBe(first);

  const verifyPage = new VerifyEmailPage(page);
  await page.goto(second);
  await expect(verifyPage.confirmed).toBeVisible();
});

test('when a confirmation link is opened a second time, then the page says it was already used', async ({ page, context, registered }) => {
  const link = linkIn(await mailTo(registered.email, CONFIRM));
  await page.goto(link);
  await expect(new VerifyEmailPage(page).confirmed).toBeVisible();

  // Clicked again in the mail: a new tab.
  const again = await context.newPage();
  await again.goto(link);

  const verifyPage = new VerifyEmailPage(again);
  await expect(verifyPage.alert).toHaveText('This link was already used. If you opened it before, your address is already confirmed.');
  await expect(verifyPage.confirmed).toBeHidden();
  await expect(again).toHaveURL('/verify-email');
});
