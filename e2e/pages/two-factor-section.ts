import { expect, type Locator, type Page } from '@playwright/test';
import { Authenticator } from '../authenticator.ts';

/** Settings' "Two-factor authentication" section: the status, the enrolment, the recovery codes shown once. */
export class TwoFactorSection {
  readonly page: Page;
  readonly section: Locator;
  readonly setUp: Locator;
  /** The enrolment panel, with the QR code and the setup key. */
  readonly enrolment: Locator;
  readonly qrCode: Locator;
  readonly setupKey: Locator;
  readonly firstCode: Locator;
  readonly turnOn: Locator;
  readonly recoveryCodes: Locator;
  readonly savedThem: Locator;
  readonly done: Locator;
  readonly newRecoveryCodes: Locator;
  readonly turnOff: Locator;
  readonly confirmTurnOff: Locator;
  /** What the section says of the last action ("Two-factor authentication is off …"). */
  readonly notice: Locator;

  constructor(page: Page) {
    this.page = page;
    this.section = page.getByRole('region', { name: 'Two-factor authentication', exact: true });
    this.setUp = this.section.getByRole('button', { name: 'Set up an authenticator app', exact: true });
    this.enrolment = this.section.getByRole('region', { name: 'Set up your authenticator app', exact: true });
    this.qrCode = this.enrolment.locator('svg').filter({ has: page.locator('title', { hasText: 'QR code for your authenticator app' }) });
    this.setupKey = this.enrolment.getByLabel('Or type this setup key into the app', { exact: true });
    this.firstCode = this.enrolment.getByLabel('Authentication code', { exact: true });
    this.turnOn = this.enrolment.getByRole('button', { name: 'Turn on', exact: true });
    this.recoveryCodes = this.section.getByRole('list', { name: 'Recovery codes', exact: true }).getByRole('listitem');
    this.savedThem = this.section.getByRole('checkbox', { name: 'I have saved these codes somewhere safe', exact: true });
    this.done = this.section.getByRole('button', { name: 'Done', exact: true });
    this.newRecoveryCodes = this.section.getByRole('button', { name: 'Get new recovery codes', exact: true });
    this.turnOff = this.section.getByRole('button', { name: 'Turn off two-factor authentication', exact: true });
    this.confirmTurnOff = this.section.getByRole('button', { name: 'Turn it off', exact: true });
    this.notice = this.section.getByRole('status');
  }

  /** The recovery codes on screen, as the user would copy them. */
  async shownRecoveryCodes(): Promise<string[]> {
    return (await this.recoveryCodes.allTextContents()).map((code) => code.trim());
  }

  /**
   * Turns the factor on with a new authenticator app, from a sign-in recent enough to need no
   * password, and puts its recovery codes away: for a test about what the factor changes, not
   * about the enrolment itself. Returns the app, which makes the codes from then on.
   */
  async enrolApp(): Promise<Authenticator> {
    await this.setUp.click();
    const app = new Authenticator(await this.setupKey.inputValue());
    await this.firstCode.fill(await app.nextCode());
    await this.turnOn.click();
    await expect(this.recoveryCodes).toHaveCount(10);
    await this.savedThem.check();
    await this.done.click();
    return app;
  }
}
