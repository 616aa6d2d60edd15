import { expect, type Locator, type Page } from '@playwright/test';
import { SignedInPage } from './signed-in-page.ts';

/** Long enough for a 5 s access token (the JWT's whole seconds included) to run out. */
export const EXPIRY_TIMEOUT = 10_000;

export class DashboardPage extends SignedInPage {
  /** "name · email · role …" of the signed-in user. */
  readonly whoAmI: Locator;
  /** The access token's countdown; it says "expired" once the token is out. */
  readonly tokenLifetime: Locator;
  readonly callMe: Locator;
  readonly sendBurst: Locator;
  /** The outcome of the last button: "/api/me answered: …", "20 of 20 requests succeeded", … */
  readonly result: Locator;
  readonly timeline: Locator;
  readonly clearTimeline: Locator;

  constructor(page: Page) {
    super(page, '/', 'Dashboard');
    const card = page.getByRole('region', { name: 'Signed in' });
    this.whoAmI = card.getByRole('paragraph').first();
    this.tokenLifetime = page.getByRole('timer', { name: 'Access token lifetime' });
    this.callMe = page.getByRole('button', { name: 'Call /api/me', exact: true });
    this.sendBurst = page.getByRole('button', { name: 'Send 20 requests at once', exact: true });
    this.result = card.getByRole('status');
    this.timeline = page.getByRole('log', { name: 'Token timeline' });
    this.clearTimeline = page.getByRole('region', { name: 'Token timeline' }).getByRole('button', { name: 'Clear', exact: true });
  }

  /** The timeline's entries that contain `text`. */
  timelineEntries(text: string | RegExp): Locator {
    return this.timeline.getByRole('listitem').filter({ hasText: text });
  }

  /** Waits, by the countdown, until the access token has run out. */
  async waitForExpiry(): Promise<void> {
    await expect(this.tokenLifetime).toContainText('expired', { timeout: EXPIRY_TIMEOUT });
  }
}
