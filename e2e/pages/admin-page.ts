import type { Locator, Page } from '@playwright/test';
import { SignedInPage } from './signed-in-page.ts';

/** /admin: "Users" for an admin, "Forbidden" for anyone else. */
export class AdminPage extends SignedInPage {
  readonly users: Locator;
  readonly forbidden: Locator;
  readonly search: Locator;
  /** What the last change did ("… is disabled, and signed out everywhere."). */
  readonly done: Locator;

  constructor(page: Page) {
    super(page, '/admin', 'Users');
    this.users = page.getByRole('table', { name: /^(Every account|Accounts matching .*), oldest first$/ });
    this.forbidden = page.getByRole('heading', { level: 1, name: 'Forbidden', exact: true });
    this.search = page.getByRole('searchbox', { name: 'Search by email or name', exact: true });
    this.done = page.getByRole('status');
  }

  /** Shows only the accounts whose email or name contains `text`. */
  async searchFor(text: string): Promise<void> {
    await this.search.fill(text);
    await this.page.getByRole('button', { name: 'Search', exact: true }).click();
  }

  /** A row's control, named after the account: "Disable", "Enable", "Make admin", "End all sessions of", "Activity of". */
  control(name: 'Disable' | 'Enable' | 'Make admin' | 'Make user' | 'End all sessions of' | 'Activity of', email: string): Locator {
    const role = name === 'Activity of' ? 'link' : 'button';
    return this.page.getByRole(role, { name: `${name} ${email}`, exact: true });
  }

  /** The users table's row for `email`. */
  userRow(email: string): Locator {
    return this.users.getByRole('row').filter({ has: this.page.getByRole('cell', { name: email, exact: true }) });
  }
}
