import type { Locator, Page } from '@playwright/test';

/** What every signed-in page shares: the header with the main navigation and "Sign out". */
export abstract class SignedInPage {
  readonly heading: Locator;
  readonly nav: Locator;
  readonly signOut: Locator;
  /** Shown while the account's email address is not confirmed. */
  readonly verificationBanner: Locator;
  readonly sendLinkAgain: Locator;

  readonly page: Page;
  /** Where `goto` loads the page. */
  readonly path: string;

  constructor(page: Page, path: string, title: string) {
    this.page = page;
    this.path = path;
    this.heading = page.getByRole('heading', { level: 1, name: title, exact: true });
    this.nav = page.getByRole('navigation', { name: 'Main' });
    this.signOut = page.getByRole('button', { name: 'Sign out', exact: true });
    this.verificationBanner = page.getByRole('region', { name: 'Email address not confirmed' });
    this.sendLinkAgain = this.verificationBanner.getByRole('button', { name: 'Send the link again', exact: true });
  }

  /** A full page load: the app restores the session from the refresh cookie first. */
  async goto(): Promise<void> {
    await this.page.goto(this.path);
  }

  /** A navigation inside the app, through the header's link (no page load, no start-up refresh). */
  async openFromNav(link: 'Dashboard' | 'Sessions' | 'Activity' | 'Settings' | 'Admin' | 'API tokens' | 'Notes'): Promise<void> {
    await this.nav.getByRole('link', { name: link, exact: true }).click();
  }
}
