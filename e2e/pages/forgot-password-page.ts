import type { Locator, Page } from '@playwright/test';
import { waitForAuthResponse } from './auth-response.ts';

export class ForgotPasswordPage {
  readonly page: Page;
  readonly heading: Locator;
  readonly email: Locator;
  readonly submit: Locator;
  /** The one answer for every address: a link was sent if an account uses it. */
  readonly sent: Locator;

  constructor(page: Page) {
    this.page = page;
    this.heading = page.getByRole('heading', { level: 1, name: 'Forgot your password?', exact: true });
    this.email = page.getByLabel('Email', { exact: true });
    this.submit = page.getByRole('button', { name: 'Send the link', exact: true });
    this.sent = page.getByRole('status').filter({ hasText: 'If an account uses this address, we sent it a link' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/forgot-password');
  }

  /** Fills in and submits the form; resolves with the status of the API's answer to POST /auth/password-reset. */
  async askForLink(email: string): Promise<number> {
    await this.email.fill(email);
    const answered = waitForAuthResponse(this.page, '/auth/password-reset');
    await this.submit.click();
    return (await answered).status();
  }
}
