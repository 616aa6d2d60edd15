import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLinkToken, type EmailLinkRecord, type EmailLinkStore } from '../../src/email-links/email-links.ts';
import type { UserStore } from '../../src/users/users.ts';
import { uniqueEmail } from '../support.ts';

/**
 * The email links port's contract: every adapter runs it (test/adapters). The users port is beside
 * it because a link belongs to a user.
 */
export function testEmailLinkStore(setup: () => Promise<{ users: UserStore; emailLinks: EmailLinkStore }>): void {
  const T0 = new Date('2026-03-01T12:00:00Z');
  const later = (ms: number) => new Date(T0.getTime() + ms);
  const newLink = async (users: UserStore, emailLinks: EmailLinkStore, overrides: Partial<EmailLinkRecord> = {}) => {
    const email = uniqueEmail('link');
    const user = await users.createUser({ id: randomUUID(), email, name: 'Link Test', role: 'user', passwordHash: 'hash', now: T0 });
    const link = {
      tokenHash: createLinkToken().tokenHash,
      userId: user?.id as string,
      purpose: 'verify_email' as const,
      email,
      passwordFingerprint: null,
      createdAt: T0,
      expiresAt: later(1000),
      ...overrides,
    };
    await emailLinks.createEmailLink(link);
    return link;
  };

  describe('the email links port', () => {
    it('when a link is created, then it is found by its hash and purpose only, unused', async () => {
      const { users, emailLinks } = await setup();
      const link = await newLink(users, emailLinks, { purpose: 'reset_password', passwordFingerprint: 'fp' });
      expect(await emailLinks.findEmailLink(link.tokenHash, 'reset_password')).toEqual({ ...link, usedAt: null });
      expect(await emailLinks.findEmailLink(link.tokenHash, 'verify_email')).toBeNull();
      expect(await emailLinks.findEmailLink(createLinkToken().tokenHash, 'reset_password')).toBeNull();
    });

    it('when ten requests use one link at once, then exactly one of them gets it', async () => {
      const { users, emailLinks } = await setup();
      const link = await newLink(users, emailLinks);
      const used = await Promise.all(Array.from({ length: 10 }, () => emailLinks.useEmailLink(link.tokenHash, later(10))));
      expect(used.filter(Boolean)).toHaveLength(1);
      expect((await emailLinks.findEmailLink(link.tokenHash, 'verify_email'))?.usedAt).toEqual(later(10));
      expect(await emailLinks.useEmailLink(link.tokenHash, later(20))).toBe(false);
    });

    it('when links expired before the cut-off, then they are deleted in batches and the others stay', async () => {
      const { users, emailLinks } = await setup();
      // Long before any other test's links, so the cut-off reaches only these.
      const old = new Date('2001-01-01T00:00:00Z');
      const expired = [];
      for (let i = 0; i < 3; i++) expired.push(await newLink(users, emailLinks, { createdAt: old, expiresAt: old }));
      const live = await newLink(users, emailLinks, { createdAt: old, expiresAt: later(0) });
      const cutoff = new Date('2001-01-02T00:00:00Z');
      expect(await emailLinks.deleteExpiredEmailLinks(cutoff, 2)).toBe(2);
      expect(await emailLinks.deleteExpiredEmailLinks(cutoff, 2)).toBe(1);
      expect(await emailLinks.deleteExpiredEmailLinks(cutoff, 2)).toBe(0);
      for (const link of expired) expect(await emailLinks.findEmailLink(link.tokenHash, 'verify_email')).toBeNull();
      expect(await emailLinks.findEmailLink(live.tokenHash, 'verify_email')).not.toBeNull();
    });
  });
}
