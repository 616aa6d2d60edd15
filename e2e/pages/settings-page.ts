import type { Locator, Page } from '@playwright/test';
import { SignedInPage } from './signed-in-page.ts';

export class SettingsPage extends SignedInPage {
  readonly name: Locator;
  readonly saveName: Locator;
  readonly currentPassword: Locator;
  readonly newPassword: Locator;
  readonly changePasswordButton: Locator;
  readonly deleteConfirmation: Locator;
  readonly deleteAccountButton: Locator;

  constructor(page: Page) {
    super(page, '/settings', 'Settings');
    this.name = page.getByRole('textbox', { name: 'Name', exact: true });
    this.saveName = page.getByRole('button', { name: 'Save name', exact: true });
    // The change of email asks for the current password too: these are the password form's.
    const passwordForm = page.getByRole('form', { name: 'Password', exact: true });
    this.currentPassword = passwordForm.getByLabel('Current password', { exact: true });
    this.newPassword = passwordForm.getByLabel('New password', { exact: true });
    this.changePasswordButton = page.getByRole('button', { name: 'Change password', exact: true });
    this.deleteConfirmation = page.getByLabel('Type DELETE to confirm', { exact: true });
    this.deleteAccountButton = page.getByRole('button', { name: 'Delete my account', exact: true });
  }

  /** Types the confirmation word and presses "Delete my account". */
  async deleteAccount(): Promise<void> {
    await this.deleteConfirmation.fill('DELETE');
    await this.deleteAccountButton.click();
  }

  async changePassword(current: string, next: string): Promise<void> {
    await this.currentPassword.fill(current);
    await this.newPassword.fill(next);
    await this.changePasswordButton.click();
  }

  /** A message of the page's forms ("Your name was saved."). */
  notice(text: string): Locator {
    return this.page.getByRole('status').filter({ hasText: text });
  }
}
