import type { Locator, Page } from '@playwright/test';

/** The "Email address" form on Settings: a new address and the current password. */
export class ChangeEmailForm {
  readonly form: Locator;
  readonly newEmail: Locator;
  readonly currentPassword: Locator;
  readonly submit: Locator;
  /** "We sent a link to … Your address changes once you open it." */
  readonly sent: Locator;

  constructor(page: Page) {
    this.form = page.getByRole('form', { name: 'Email address', exact: true });
    this.newEmail = this.form.getByLabel('New email address', { exact: true });
    this.currentPassword = this.form.getByLabel('Current password', { exact: true });
    this.submit = this.form.getByRole('button', { name: 'Change email', exact: true });
    this.sent = this.form.getByRole('status');
  }

  /** Fills in and sends the form; resolves with the status of the API's answer to POST /api/me/email. */
  async changeTo(newEmail: string, currentPassword: string): Promise<number> {
    await this.newEmail.fill(newEmail);
    await this.currentPassword.fill(currentPassword);
    const answered = this.form
      .page()
      .waitForResponse((r) => new URL(r.url()).pathname === '/api/me/email' && r.request().method() === 'POST');
    await this.submit.click();
    return (await answered).status();
  }
}
