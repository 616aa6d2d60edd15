import type { Passwords } from '../auth/passwords.ts';
import type { Clock } from '../clock.ts';
import { type EmailLinkCheck, type EmailLinkStore, issueLink, useLink } from '../email-links/email-links.ts';
import type { AccountEvents } from '../events.ts';
import type { Outbox } from '../mail/outbox.ts';
import { confirmEmailChangeMessage } from '../mail/templates.ts';
import type { UserStore } from '../users/users.ts';

/** A link to confirm a new address works this long (24 hours), as a verification link does. */
export const CHANGE_EMAIL_LINK_TTL_MS = 24 * 3_600_000;

export type EmailChangeService = ReturnType<typeof createEmailChangeService>;

/** Change of email: the new address is confirmed by a link before it replaces the old one. No req/res here. */
export function createEmailChangeService(deps: {
  users: Pick<UserStore, 'findUserById' | 'findUserByEmail' | 'changeEmail'>;
  emailLinks: EmailLinkStore;
  outbox: Outbox;
  events: AccountEvents;
  passwords: Passwords;
  clock: Clock;
  appUrl: string;
}) {
  const { users, emailLinks, outbox, events, passwords, clock, appUrl } = deps;

  return {
    /**
     * Checks the password, then mails a link to the new address. An address another account has
     * gets no mail, and the answer is the same, so this route tells nobody which addresses exist.
     */
    async request(userId: string, currentPassword: string, newEmail: string): Promise<'sent' | 'invalid_credentials' | 'mail_off'> {
      const user = await users.findUserById(userId);
      if (!user || !(await passwords.verifyPassword(user.passwordHash, currentPassword))) return 'invalid_credentials';
      if (!outbox.isEnabled) return 'mail_off';
      if (newEmail === user.email || (await users.findUserByEmail(newEmail))) return 'sent';
      const token = await issueLink(emailLinks, {
        user: { id: user.id, email: newEmail },
        purpose: 'change_email',
        now: clock.now(),
        ttlMs: CHANGE_EMAIL_LINK_TTL_MS,
      });
      outbox.enqueue('change_email', confirmEmailChangeMessage(newEmail, user.name, `${appUrl}/confirm-email-change#token=${token}`));
      return 'sent';
    },

    async confirm(token: string): Promise<{ ok: true } | Extract<EmailLinkCheck, { ok: false }> | { ok: false; code: 'email_taken' }> {
      const now = new Date(clock.now());
      const result = await useLink(emailLinks, token, 'change_email', now);
      if (!result.ok) return result;
      const changed = await users.changeEmail(result.link.userId, result.link.email, now);
      if (changed === null) return { ok: false, code: 'link_invalid' };
      if (changed === 'email_taken') return { ok: false, code: 'email_taken' };
      const user = await users.findUserById(result.link.userId);
      if (user && changed.previousEmail !== user.email)
        events.publish({ type: 'email_changed', user, previousEmail: changed.previousEmail });
      return { ok: true };
    },
  };
}
