import { createHash, randomBytes } from 'node:crypto';

export type EmailLinkPurpose = 'verify_email' | 'reset_password' | 'change_email';

export type EmailLinkRecord = {
  /** SHA-256 (hex) of the token; the token itself is only in the email. */
  tokenHash: string;
  userId: string;
  purpose: EmailLinkPurpose;
  /** The address the link went to (for change_email, the new address it confirms). */
  email: string;
  /** For reset links: passwordFingerprint() of the password hash when the link was made. */
  passwordFingerprint: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
};

/**
 * The port for links sent by email, owned by this module and used by the email verification and
 * password reset features. test/ports/email-link-store.ts is the suite every adapter passes.
 */
export type EmailLinkStore = {
  createEmailLink(link: Omit<EmailLinkRecord, 'usedAt'>): Promise<void>;
  findEmailLink(tokenHash: string, purpose: EmailLinkPurpose): Promise<EmailLinkRecord | null>;
  /**
   * Marks the link used, only if it is not used yet: one statement, so of two requests with one
   * link exactly one gets true.
   */
  useEmailLink(tokenHash: string, now: Date): Promise<boolean>;
  /** Deletes up to `limit` links that expired before `expiredBefore`; returns how many. */
  deleteExpiredEmailLinks(expiredBefore: Date, limit: number): Promise<number>;
};

/** A new link secret: 256 random bits (base64url, for the URL fragment) and the hash to store. */
export function createLinkToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashLinkToken(token) };
}

/**
 * The stored form of a link token. A plain SHA-256 is enough: the token has 256 random bits, so
 * nothing can be guessed from the hash, and a lookup by hash needs no constant-time compare (the
 * database finds a row or none; no secret byte is compared in JavaScript).
 */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Makes a link for `user` and stores its hash: the token to put in the email's URL fragment.
 * `passwordHash` binds the link to the user's current password (reset links).
 */
export async function issueLink(
  store: EmailLinkStore,
  link: { user: { id: string; email: string; passwordHash?: string }; purpose: EmailLinkPurpose; now: number; ttlMs: number },
): Promise<string> {
  const { token, tokenHash } = createLinkToken();
  await store.createEmailLink({
    tokenHash,
    userId: link.user.id,
    purpose: link.purpose,
    email: link.user.email,
    passwordFingerprint: link.user.passwordHash === undefined ? null : passwordFingerprint(link.user.passwordHash),
    createdAt: new Date(link.now),
    expiresAt: new Date(link.now + link.ttlMs),
  });
  return token;
}

/** Ties a reset link to the password it may replace: any change of the hash voids the link. */
export function passwordFingerprint(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('hex');
}

/** The problem details of a link that cannot be used, for every route that takes one. */
export const LINK_PROBLEM_DETAILS = {
  link_invalid: 'This link is not valid; ask for a new one',
  link_expired: 'This link has expired; ask for a new one',
  link_used: 'This link was already used; ask for a new one if you still need it',
} as const;

export type EmailLinkCheck = { ok: true; link: EmailLinkRecord } | { ok: false; code: 'link_invalid' | 'link_expired' | 'link_used' };

/**
 * Finds a presented link and uses it up: unknown (or of another purpose) is link_invalid, past its
 * end link_expired, already used link_used. `isStillValid` adds the purpose's own condition (the
 * password has not changed since); a link that fails it is used up all the same.
 */
export async function useLink(
  store: EmailLinkStore,
  token: string,
  purpose: EmailLinkPurpose,
  now: Date,
  isStillValid: (link: EmailLinkRecord) => boolean | Promise<boolean> = () => true,
): Promise<EmailLinkCheck> {
  const tokenHash = hashLinkToken(token);
  const link = await store.findEmailLink(tokenHash, purpose);
  if (!link) return { ok: false, code: 'link_invalid' };
  if (link.usedAt) return { ok: false, code: 'link_used' };
  if (now.getTime() >= link.expiresAt.getTime()) return { ok: false, code: 'link_expired' };
  // Used up first, so two requests with one link cannot both pass the check below.
  if (!(await store.useEmailLink(tokenHash, now))) return { ok: false, code: 'link_used' };
  if (!(await isStillValid(link))) return { ok: false, code: 'link_invalid' };
  return { ok: true, link };
}
