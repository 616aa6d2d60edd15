import type { Locator, Page } from '@playwright/test';
import { SignedInPage } from './signed-in-page.ts';

/** /admin: "Users" for an admin, "Forbidden" for anyone else. */
export class AdminPage extends SignedInPage {
  readonly users: Locator;
  readonly forbidden: Locator;

  constructor(page: Page) {
    super(page, '/admin', 'Users');
    this.users = page.getByRole('table', { name: 'Every account, oldest first' });
    this.forbidden = page.getByRole('heading', { level: 1, name: 'Forbidden', exact: true });
  }

  /** The users table's row for `email`. */
  userRow(email: string): Locator {
    return this.users.getByRole('row').filter({ has: this.page.getByRole('cell', { name: email, exact: true }) });
  }
}
