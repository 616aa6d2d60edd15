import type { Locator, Page } from '@playwright/test';
import { type Credentials, waitForAuthResponse } from './auth-response.ts';

export class LoginPage {
  readonly page: Page;
  readonly heading: Locator;
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  /** The form's error, announced with role=alert. */
  readonly alert: Locator;
  readonly forgotPassword: Locator;
  /** "Sign in with a passkey": no email typed (shown where the browser has WebAuthn). */
  readonly passkey: Locator;

  constructor(page: Page) {
    this.page = page;
    this.heading = page.getByRole('heading', { level: 1, name: 'Sign in', exact: true });
    this.email = page.getByLabel('Email', { exact: true });
    this.password = page.getByLabel('Password', { exact: true });
    this.submit = page.getByRole('button', { name: 'Sign in', exact: true });
    this.alert = page.getByRole('alert');
    this.forgotPassword = page.getByRole('link', { name: 'Forgot your password?', exact: true });
    this.passkey = page.getByRole('button', { name: 'Sign in with a passkey', exact: true });
  }

  /** Opens the login page, with `returnTo` in the query when given. */
  async goto(returnTo?: string): Promise<void> {
    await this.page.goto(returnTo === undefined ? '/login' : `/login?returnTo=${encodeURIComponent(returnTo)}`);
  }

  /** Fills in and submits the form; resolves with the status of the API's answer to POST /auth/login. */
  async signIn(credentials: Pick<Credentials, 'email' | 'password'>): Promise<number> {
    await this.email.fill(credentials.email);
    await this.password.fill(credentials.password);
    const answered = waitForAuthResponse(this.page, '/auth/login');
    await this.submit.click();
    return (await answered).status();
  }
}
