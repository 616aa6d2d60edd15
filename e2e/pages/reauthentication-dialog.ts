import type { Locator, Page } from '@playwright/test';

/** The modal that asks for the password again when the API wants a recent sign-in (step-up). */
export class ReauthenticationDialog {
  readonly dialog: Locator;
  readonly password: Locator;
  /** A code of the authenticator app, asked when the API wants the second factor. */
  readonly code: Locator;
  readonly confirm: Locator;
  readonly cancel: Locator;
  /** The dialog's error (wrong password, too many attempts), announced with role=alert. */
  readonly alert: Locator;

  constructor(page: Page) {
    this.dialog = page.getByRole('dialog', { name: 'Confirm it is you', exact: true });
    this.password = this.dialog.getByLabel('Password', { exact: true });
    this.code = this.dialog.getByLabel('Authentication code', { exact: true });
    this.confirm = this.dialog.getByRole('button', { name: 'Confirm', exact: true });
    this.cancel = this.dialog.getByRole('button', { name: 'Cancel', exact: true });
    this.alert = this.dialog.getByRole('alert');
  }

  async confirmWith(password: string, code?: string): Promise<void> {
    await this.password.fill(password);
    if (code !== undefined) await this.code.fill(code);
    await this.confirm.click();
  }
}
