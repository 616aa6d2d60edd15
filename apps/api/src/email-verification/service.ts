import type { Clock } from '../clock.ts';
import { type EmailLinkStore, issueLink, useLink } from '../email-links/email-links.ts';
import type { Outbox } from '../mail/outbox.ts';
import { verifyEmailMessage } from '../mail/templates.ts';
import type { UserRecord, UserStore } from '../users/users.ts';

/** A verification link works this long (24 hours). */
export const VERIFY_EMAIL_LINK_TTL_MS = 24 * 3_600_000;

export type EmailVerificationService = ReturnType<typeof createEmailVerificationService>;

/** Sends verification links and applies them. No req/res here. */
export function createEmailVerificationService(deps: {
  users: Pick<UserStore, 'findUserById' | 'markEmailVerified'>;
  emailLinks: EmailLinkStore;
  outbox: Outbox;
  clock: Clock;
  appUrl: string;
}) {
  const { users, emailLinks, outbox, clock, appUrl } = deps;

  async function sendLink(user: Pick<UserRecord, 'id' | 'email' | 'name'>): Promise<void> {
    if (!outbox.isEnabled) return;
    const token = await issueLink(emailLinks, {
      user: { id: user.id, email: user.email },
      purpose: 'verify_email',
      now: clock.now(),
      ttlMs: VERIFY_EMAIL_LINK_TTL_MS,
    });
    // In the fragment: a browser never sends it to a server, so it stays out of logs and Referer.
    outbox.enqueue('verify_email', verifyEmailMessage(user.email, user.name, `${appUrl}/verify-email#token=${token}`));
  }

  return {
    sendLink,

    /** Resends to the signed-in user's address, unless it is verified already. */
    async resend(userId: string): Promise<void> {
      const user = await users.findUserById(userId);
      if (user && user.emailVerifiedAt === null) await sendLink(user);
    },

    async verify(token: string) {
      const now = new Date(clock.now());
      const result = await useLink(emailLinks, token, 'verify_email', now);
      if (!result.ok) return result;
      // The address changed since the link was sent: the link proves nothing about the new one.
      if (!(await users.markEmailVerified(result.link.userId, result.link.email, now)))
        return { ok: false as const, code: 'link_invalid' as const };
      return { ok: true as const };
    },
  };
}
