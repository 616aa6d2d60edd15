import type { Passwords } from '../auth/passwords.ts';
import type { Revocations } from '../auth/revocations.ts';
import type { SecondStepRequired } from '../auth/second-factor.ts';
import type { AuthService, IssuedSession } from '../auth/service.ts';
import type { Clock } from '../clock.ts';
import { type EmailLinkCheck, type EmailLinkStore, issueLink, passwordFingerprint, useLink } from '../email-links/email-links.ts';
import type { AccountEvents } from '../events.ts';
import type { Outbox } from '../mail/outbox.ts';
import { resetPasswordMessage } from '../mail/templates.ts';
import type { UserStore } from '../users/users.ts';

/** A reset link works this long (30 minutes), and only until the password changes. */
export const RESET_PASSWORD_LINK_TTL_MS = 30 * 60_000;

export type PasswordResetService = ReturnType<typeof createPasswordResetService>;

/** Forgot password: send a link, and set a new password with it. No req/res here. */
export function createPasswordResetService(deps: {
  users: Pick<UserStore, 'findUserByEmail' | 'findUserById' | 'changePassword'>;
  emailLinks: EmailLinkStore;
  outbox: Outbox;
  events: AccountEvents;
  passwords: Passwords;
  revocations: Revocations;
  auth: Pick<AuthService, 'signInOrChallenge'>;
  clock: Clock;
  appUrl: string;
}) {
  const { users, emailLinks, outbox, events, passwords, revocations, auth, clock, appUrl } = deps;

  return {
    /**
     * Sends a link if an account has the address; nothing otherwise. The route answers before this
     * runs, so neither its answer nor its timing says which it was.
     */
    async sendLink(email: string): Promise<void> {
      if (!outbox.isEnabled) return;
      const user = await users.findUserByEmail(email);
      // A disabled account gets no link: it could not sign in with a new password anyway.
      if (!user || user.disabledAt) return;
      const token = await issueLink(emailLinks, {
        user,
        purpose: 'reset_password',
        now: clock.now(),
        ttlMs: RESET_PASSWORD_LINK_TTL_MS,
      });
      outbox.enqueue('reset_password', resetPasswordMessage(user.email, user.name, `${appUrl}/reset-password#token=${token}`));
    },

    /**
     * Sets the new password, ends every session of the user (whoever knew the old password, or
     * holds a session, is out) and starts a new one for this browser; for an account with a second
     * factor, no session but the second step's challenge: a mailbox alone must not get past it.
     */
    async reset(
      token: string,
      newPassword: string,
      userAgent: string | null,
    ): Promise<{ ok: true; session: IssuedSession | SecondStepRequired } | Extract<EmailLinkCheck, { ok: false }>> {
      // Hashed first: when the password threads are full (503), the link is not used up.
      const newHash = await passwords.hashPassword(newPassword);
      const now = new Date(clock.now());
      const result = await useLink(emailLinks, token, 'reset_password', now, async (link) => {
        const user = await users.findUserById(link.userId);
        // Void once the password changed, and once the address it was sent to is no longer the account's.
        return (
          user !== null &&
          user.disabledAt === null &&
          user.email === link.email &&
          passwordFingerprint(user.passwordHash) === link.passwordFingerprint
        );
      });
      if (!result.ok) return result;
      const { userId } = result.link;
      const ended = await users.changePassword(userId, newHash, now);
      await revocations.markRevoked(ended);
      const user = await users.findUserById(userId);
      if (!user) return { ok: false, code: 'link_invalid' };
      events.publish({ type: 'password_changed', user, via: 'reset' });
      const session = await auth.signInOrChallenge(user, userAgent);
      // The password changed again in the instant since: that change wins, and this browser signs in with it.
      if (!session) return { ok: false, code: 'link_invalid' };
      if ('secondFactor' in session) return { ok: true, session };
      events.publish({ type: 'signed_in', user, sessionId: session.sessionId, via: 'password_reset' });
      return { ok: true, session };
    },
  };
}
