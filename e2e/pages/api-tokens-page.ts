import type { Locator, Page } from '@playwright/test';
import { SignedInPage } from './signed-in-page.ts';

/** The API tokens page: the form that makes a token, the panel that shows its secret once, the list. */
export class ApiTokensPage extends SignedInPage {
  readonly name: Locator;
  readonly create: Locator;
  /** The read-only field of the panel that shows a new token's secret, once. */
  readonly secret: Locator;
  readonly copy: Locator;
  readonly done: Locator;
  readonly tokens: Locator;

  constructor(page: Page) {
    super(page, '/tokens', 'API tokens');
    this.name = page.getByRole('textbox', { name: 'Name' });
    this.create = page.getByRole('button', { name: 'Create token', exact: true });
    this.secret = page.getByRole('textbox', { name: 'Your new API token' });
    this.copy = page.getByRole('button', { name: 'Copy', exact: true });
    this.done = page.getByRole('button', { name: 'Done', exact: true });
    this.tokens = page.getByRole('region', { name: 'Your tokens' }).getByRole('row');
  }

  scope(scope: string): Locator {
    return this.page.getByRole('checkbox', { name: scope, exact: true });
  }

  lifetime(days: number): Locator {
    return this.page.getByRole('radio', { name: `${days} days`, exact: true });
  }

  /** Revokes the token of that name, answering the row's question. */
  async revoke(name: string): Promise<void> {
    await this.page.getByRole('button', { name: new RegExp(`^Revoke ${name} \\(`) }).click();
    await this.page.getByRole('button', { name: 'Revoke token', exact: true }).click();
  }
}
