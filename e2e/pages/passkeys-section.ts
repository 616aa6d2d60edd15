import type { Locator, Page } from '@playwright/test';

/** Settings' "Passkeys": the account's passkeys, adding, renaming and removing them. */
export class PasskeysSection {
  readonly section: Locator;
  readonly list: Locator;
  readonly newName: Locator;
  readonly add: Locator;
  /** What the last action did, announced (role=status) or its failure (role=alert). */
  readonly notice: Locator;
  readonly alert: Locator;

  constructor(page: Page) {
    this.section = page.getByRole('region', { name: 'Passkeys', exact: true });
    this.list = this.section.getByRole('list', { name: 'Your passkeys', exact: true });
    this.newName = this.section.getByLabel('Name for a new passkey', { exact: true });
    this.add = this.section.getByRole('button', { name: 'Add a passkey', exact: true });
    this.notice = this.section.getByRole('status');
    this.alert = this.section.getByRole('alert');
  }

  /** The row of the passkey called `name`. */
  row(name: string): Locator {
    return this.list.getByRole('listitem').filter({ has: this.section.page().getByText(name, { exact: true }) });
  }

  async addNamed(name: string): Promise<void> {
    await this.newName.fill(name);
    await this.add.click();
  }

  async rename(from: string, to: string): Promise<void> {
    await this.section.getByRole('button', { name: `Rename “${from}”`, exact: true }).click();
    await this.section.getByLabel(`New name for “${from}”`, { exact: true }).fill(to);
    await this.section.getByRole('button', { name: 'Save', exact: true }).click();
  }

  /** Presses Remove and answers the question with "Remove it". */
  async remove(name: string): Promise<void> {
    await this.section.getByRole('button', { name: `Remove “${name}”`, exact: true }).click();
    await this.section.getByRole('button', { name: 'Remove it', exact: true }).click();
  }
}
