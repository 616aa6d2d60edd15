import { expect, type Locator, type Page } from '@playwright/test';
import { SignedInPage } from './signed-in-page.ts';

/** The e2e notes service (playwright.config.ts), on an origin of its own as the e2e API is. */
export const NOTES_URL = 'http://localhost:3102';

/** The Notes page: the notes service's form and list (VITE_NOTES_URL; the e2e build has it). */
export class NotesPage extends SignedInPage {
  readonly text: Locator;
  readonly add: Locator;
  /** The form's outcome: "Note added." or the service's refusal. */
  readonly formStatus: Locator;
  readonly list: Locator;
  /** The text of each listed note, newest first. */
  readonly texts: Locator;

  constructor(page: Page) {
    super(page, '/notes', 'Notes');
    const form = page.getByRole('form', { name: 'Add a note' });
    this.text = form.getByRole('textbox', { name: 'Note', exact: true });
    this.add = form.getByRole('button', { name: /^(Add note|Adding…)$/ });
    this.formStatus = form.locator('[aria-live]');
    this.list = page.getByRole('list', { name: 'Notes, newest first' });
    this.texts = this.list.getByRole('listitem').locator('.notes-text');
  }

  /** The Delete button of the note with this text. */
  deleteButton(text: string): Locator {
    return this.page.getByRole('button', { name: `Delete the note “${text}”`, exact: true });
  }

  /** Adds a note and waits until it heads the list (newest first) and the form is ready for the next. */
  async addNote(text: string): Promise<void> {
    await this.text.fill(text);
    await this.add.click();
    await expect(this.texts.first()).toHaveText(text);
    await expect(this.text).toHaveValue('');
  }
}
