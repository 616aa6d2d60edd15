import type { Locator, Page } from '@playwright/test';
import { type Credentials, waitForAuthResponse } from './auth-response.ts';

export class RegisterPage {
  readonly page: Page;
  readonly heading: Locator;
  readonly name: Locator;
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly alert: Locator;

  constructor(page: Page) {
    this.page = page;
    this.heading = page.getByRole('heading', { level: 1, name: 'Create an account', exact: true });
    this.name = page.getByLabel('Name', { exact: true });
    this.email = page.getByLabel('Email', { exact: true });
    this.password = page.getByLabel('Password', { exact: true });
    this.submit = page.getByRole('button', { name: 'Create account', exact: true });
    this.alert = page.getByRole('alert');
  }

  async goto(): Promise<void> {
    await this.page.goto('/register');
  }

  /** Fills in and submits the form; resolves with the API's answer to POST /auth/register. */
  async register(account: Credentials) {
    await this.name.fill(account.name);
    await this.email.fill(account.email);
    await this.password.fill(account.password);
    const answered = waitForAuthResponse(this.page, '/auth/register');
    await this.submit.click();
    return answered;
  }
}
