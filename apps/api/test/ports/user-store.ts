import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { UserStore } from '../../src/users/users.ts';
import { uniqueEmail } from '../support.ts';

/**
 * The users port's contract: every adapter runs it (test/adapters). `setup` gives a store on a
 * database that may hold other tests' rows, so each test makes its own users.
 */
export function testUserStore(setup: () => Promise<{ users: UserStore }>): void {
  const T0 = new Date('2026-03-01T12:00:00Z');
  const later = (ms: number) => new Date(T0.getTime() + ms);
  const newUser = (users: UserStore, email = uniqueEmail()) =>
    users.createUser({ id: randomUUID(), email, name: 'Store Test', role: 'user', passwordHash: 'hash', now: T0 });

  describe('the users port', () => {
    it('when a user is created twice with one email, then the second gives null and the first stays', async () => {
      const { users } = await setup();
      const email = uniqueEmail();
      const first = await newUser(users, email);
      expect(first).toMatchObject({ email, role: 'user', passwordHash: 'hash' });
      expect(first?.createdAt).toEqual(T0);
      expect(await newUser(users, email)).toBeNull();
      expect((await users.findUserByEmail(email))?.id).toBe(first?.id);
    });

    it('when users are looked up, updated and listed, then the changes read back', async () => {
      const { users } = await setup();
      const user = await newUser(users);
      if (!user) throw new Error('no user');
      expect(await users.findUserById(user.id)).toEqual(user);
      expect(await users.findUserById('not-a-uuid')).toBeNull();
      expect(await users.findUserById(randomUUID())).toBeNull();
      expect((await users.updateUserName(user.id, 'Renamed', later(1)))?.name).toBe('Renamed');
      expect(await users.updateUserName(randomUUID(), 'Nobody', later(1))).toBeNull();
      expect(await users.changePassword(user.id, 'hash-2', later(2))).toEqual([]);
      expect((await users.findUserById(user.id))?.passwordHash).toBe('hash-2');
      expect((await users.listUsers()).map((u) => u.id)).toContain(user.id);
    });

    it('when an email is marked verified, then only for the address the user still has, and once', async () => {
      const { users } = await setup();
      const user = await newUser(users);
      if (!user) throw new Error('no user');
      expect(user.emailVerifiedAt).toBeNull();
      expect(await users.markEmailVerified(user.id, 'someone-else@example.test', later(1))).toBe(false);
      expect(await users.markEmailVerified(user.id, user.email, later(2))).toBe(true);
      expect(await users.markEmailVerified(user.id, user.email, later(3))).toBe(true);
      expect((await users.findUserById(user.id))?.emailVerifiedAt).toEqual(later(2));
      expect(await users.markEmailVerified('not-a-uuid', user.email, later(4))).toBe(false);
      const verified = await users.createUser({
        id: randomUUID(),
        email: uniqueEmail(),
        name: 'V',
        role: 'user',
        passwordHash: 'h',
        now: T0,
        emailVerifiedAt: T0,
      });
      expect(verified?.emailVerifiedAt).toEqual(T0);
    });
  });
}
