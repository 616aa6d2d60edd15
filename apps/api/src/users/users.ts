import type { Role } from '@spa-auth/contract';

export type UserRecord = {
  id: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  /** When the address was proven to be the user's (a verification link); null until then. */
  emailVerifiedAt: Date | null;
  /** Set by an admin: the account cannot sign in or refresh until it is enabled again. */
  disabledAt: Date | null;
  createdAt: Date;
};

/** Where a page of the user list starts: after this user, oldest first. */
export type UserCursor = { createdAt: Date; id: string };

/** What an access token and a response need of a user: everything but the password hash. */
export type PublicUserRecord = Pick<UserRecord, 'id' | 'email' | 'name' | 'role' | 'emailVerifiedAt' | 'disabledAt'>;

/**
 * The users port: what auth/ and the account features need of stored users. It sits beneath both;
 * an adapter (adapters/postgres) implements it, and test/ports/user-store.ts is the suite every
 * adapter passes.
 */
export type UserStore = {
  /** Null when the email is taken (emails are unique, compared as stored: the contract lower-cases them). */
  createUser(
    user: Omit<UserRecord, 'createdAt' | 'emailVerifiedAt' | 'disabledAt'> & { now: Date; emailVerifiedAt?: Date | null },
  ): Promise<UserRecord | null>;
  findUserByEmail(email: string): Promise<UserRecord | null>;
  /** Null for an unknown id, including one that is not a UUID. */
  findUserById(id: string): Promise<UserRecord | null>;
  updateUserName(id: string, name: string, now: Date): Promise<UserRecord | null>;
  /**
   * Sets the user's password hash and ends every other active session of theirs, in one
   * transaction; returns the ids of the sessions ended. A login verified against the old hash either
   * committed its session before this (and it is ended here) or creates none (the session store's
   * `createSession` checks the hash it was verified against).
   */
  changePassword(id: string, passwordHash: string, now: Date, exceptSessionId?: string): Promise<string[]>;
  /**
   * Up to `limit` users, oldest first, after `after` when given; `search` keeps those whose email
   * or name contains it (case-insensitive, taken literally).
   */
  listUsers(options: { search?: string; after?: UserCursor; limit: number }): Promise<UserRecord[]>;
  /**
   * Changes what an admin may change of an account, in one transaction that locks every enabled
   * admin first, so that two admins acting at once cannot leave the system without one: a change
   * that would leave no enabled admin gives 'last_admin' and writes nothing. Ends every session of
   * the user (a role or a disabled account takes effect at once) and returns their ids; null when
   * the user does not exist.
   */
  updateUserAccess(
    id: string,
    change: { role?: Role; disabled?: boolean },
    now: Date,
  ): Promise<{ user: UserRecord; endedSessionIds: string[] } | 'last_admin' | null>;
  /**
   * Marks the user's email verified, only if it is still `email` (a link sent to an old address
   * proves nothing about a new one). True when the user has that email, verified now or before.
   */
  markEmailVerified(id: string, email: string, now: Date): Promise<boolean>;
  /**
   * Deletes the user and, with them, their sessions, refresh tokens and email links, in one
   * transaction; returns the ids of the sessions that were still active (to refuse their access
   * tokens at once), or null when there was no such user. The email is free again afterwards.
   * The last enabled admin is not deleted ('last_admin'), under the same lock as updateUserAccess.
   */
  deleteUser(id: string): Promise<string[] | null | 'last_admin'>;
  /**
   * Replaces the user's email with a confirmed new one (and marks it verified). 'email_taken' when
   * another account has it by now; null when the user is gone.
   */
  changeEmail(id: string, newEmail: string, now: Date): Promise<{ previousEmail: string } | 'email_taken' | null>;
};

export function toPublicUser(user: PublicUserRecord) {
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
