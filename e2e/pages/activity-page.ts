import type { Locator, Page } from '@playwright/test';
import { SignedInPage } from './signed-in-page.ts';

/** /activity: the signed-in user's security events, newest first. */
export class ActivityPage extends SignedInPage {
  readonly events: Locator;
  readonly loadMore: Locator;

  constructor(page: Page) {
    super(page, '/activity', 'Security activity');
    this.events = eventsIn(page);
    this.loadMore = page.getByRole('button', { name: 'Load more', exact: true });
  }
}

/** The rows of an activity table (the user's own page and an admin's view of a user), header excluded. */
export function eventsIn(page: Page): Locator {
  return page
    .getByRole('table', { name: 'Security events of this account, newest first' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell') });
}
