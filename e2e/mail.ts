import { expect } from '@playwright/test';
import type { CaughtMail } from '@spa-auth/mail-catcher';

export { linkIn } from '@spa-auth/mail-catcher';

/** The e2e mail catcher's inbox (playwright.config.ts starts it; the e2e API sends to it). */
const INBOX = 'http://127.0.0.1:2580/api/messages';

/**
 * The newest message to `email` whose subject matches, once it has arrived: the API sends after it
 * answers, so the test waits for the inbox to show it, as a person refreshing their inbox would.
 */
export async function mailTo(email: string, subject: RegExp): Promise<CaughtMail> {
  let found: CaughtMail | undefined;
  await expect
    .poll(
      async () => {
        const messages = (await (await fetch(INBOX)).json()) as CaughtMail[];
        found = messages.filter((m) => m.to.includes(email) && subject.test(m.subject)).at(-1);
        return found !== undefined;
      },
      { message: `a message "${subject.source}" to ${email}`, timeout: 15_000 },
    )
    .toBe(true);
  return found as CaughtMail;
}

/** Every message to `email` so far. */
export async function mailsTo(email: string): Promise<CaughtMail[]> {
  const messages = (await (await fetch(INBOX)).json()) as CaughtMail[];
  return messages.filter((m) => m.to.includes(email));
}
