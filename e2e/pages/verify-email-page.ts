import type { Locator, Page } from '@playwright/test';

/** Where the "Confirm your email address" mail's link leads, signed in or out. */
export class VerifyEmailPage {
  readonly page: Page;
  readonly heading: Locator;
  /** "Your email address is confirmed." */
  readonly confirmed: Locator;
  /** Why the link did not work (used, expired, not valid). */
  readonly alert: Locator;
  readonly toDashboard: Locator;

  constructor(page: Page) {
    this.page = page;
    this.heading = page.getByRole('heading', { level: 1, name: 'Confirm your email address', exact: true });
    this.confirmed = page.getByRole('status').filter({ hasText: 'Your email address is confirmed.' });
    this.alert = page.getByRole('alert');
    this.toDashboard = page.getByRole('link', { name: 'Go to the dashboard', exact: true });
  }
}
