import type { Locator, Page } from '@playwright/test';

/** Where the "Confirm your new email address" mail's link leads, signed in or out. */
export class ConfirmEmailChangePage {
  readonly page: Page;
  readonly heading: Locator;
  readonly confirmed: Locator;
  /** Why the link did not work (used, expired, not valid, address taken). */
  readonly alert: Locator;
  /** Shown when this browser is signed in. */
  readonly toSettings: Locator;

  constructor(page: Page) {
    this.page = page;
    this.heading = page.getByRole('heading', { level: 1, name: 'Confirm your new email address', exact: true });
    this.confirmed = page.getByRole('status').filter({ hasText: 'Your email address is changed.' });
    this.alert = page.getByRole('alert');
    this.toSettings = page.getByRole('link', { name: 'Go to Settings', exact: true });
  }
}
