import type { Locator, Page } from '@playwright/test';
import { waitForAuthResponse } from './auth-response.ts';

/** Where the "Reset your password" mail's link leads. */
export class ResetPasswordPage {
  readonly page: Page;
  readonly heading: Locator;
  readonly newPassword: Locator;
  readonly submit: Locator;
  /** Why the link did not work (used, expired, not valid). */
  readonly alert: Locator;
  readonly askForNewLink: Locator;

  constructor(page: Page) {
    this.page = page;
    this.heading = page.getByRole('heading', { level: 1, name: 'Choose a new password', exact: true });
    this.newPassword = page.getByLabel('New password', { exact: true });
    this.submit = page.getByRole('button', { name: 'Set the new password', exact: true });
    this.alert = page.getByRole('alert');
    this.askForNewLink = page.getByRole('link', { name: 'Ask for a new link', exact: true });
  }

  /** Fills in and submits the form; resolves with the status of the API's answer to POST /auth/password-reset/confirm. */
  async setPassword(password: string): Promise<number> {
    await this.newPassword.fill(password);
    const answered = waitForAuthResponse(this.page, '/auth/password-reset/confirm');
    await this.submit.click();
    return (await answered).status();
  }
}
