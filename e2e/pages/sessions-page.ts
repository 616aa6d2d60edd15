import type { Locator, Page } from '@playwright/test';
import { SignedInPage } from './signed-in-page.ts';

export class SessionsPage extends SignedInPage {
  readonly list: Locator;
  readonly sessions: Locator;
  readonly signOutOthers: Locator;

  constructor(page: Page) {
    super(page, '/sessions', 'Sessions');
    this.list = page.getByRole('list', { name: 'Active sessions' });
    this.sessions = this.list.getByRole('listitem');
    this.signOutOthers = page.getByRole('button', { name: 'Sign out other sessions', exact: true });
  }

  /** The "Revoke" buttons of the other sessions, named after their device ("Revoke Chrome on Linux, signed in …"). */
  revokeButton(device?: string): Locator {
    return this.page.getByRole('button', { name: new RegExp(`^Revoke ${device ? `${escapeRegExp(device)},` : ''}`) });
  }

  /** A success message of the page ("The session was revoked."). */
  notice(text: string): Locator {
    return this.page.getByRole('status').filter({ hasText: text });
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
