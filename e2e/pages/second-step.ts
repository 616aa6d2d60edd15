import type { Locator, Page } from '@playwright/test';
import { waitForAuthResponse } from './auth-response.ts';

/** The second step of a sign-in, on the login page (or after a password reset), once the password was right. */
export class SecondStep {
  readonly page: Page;
  readonly region: Locator;
  readonly code: Locator;
  readonly recoveryCode: Locator;
  readonly verify: Locator;
  readonly useRecoveryCode: Locator;
  readonly alert: Locator;

  constructor(page: Page) {
    this.page = page;
    this.region = page.getByRole('region', { name: 'Two-factor authentication', exact: true });
    this.code = this.region.getByLabel('Authentication code', { exact: true });
    this.recoveryCode = this.region.getByLabel('Recovery code', { exact: true });
    this.verify = this.region.getByRole('button', { name: 'Verify', exact: true });
    this.useRecoveryCode = this.region.getByRole('button', { name: 'Use a recovery code instead', exact: true });
    this.alert = this.region.getByRole('alert');
  }

  /** Types the proof into the field shown and presses Verify; resolves with the status of POST /auth/login/second-factor. */
  async submit(field: Locator, value: string): Promise<number> {
    await field.fill(value);
    const answered = waitForAuthResponse(this.page, '/auth/login/second-factor');
    await this.verify.click();
    return (await answered).status();
  }
}
