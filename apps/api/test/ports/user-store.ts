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
      expect((await users.listUsers({ search: user.email, limit: 10 })).map((u) => u.id)).toEqual([user.id]);
    });

    it('when users are listed, then oldest first by (created, id), a page at a time, and the search is taken literally', async () => {
      const { users } = await setup();
      const tag = `page-${randomUUID().slice(0, 8)}`;
      const made = [];
      for (let i = 0; i < 5; i++) {
        made.push(
          await users.createUser({
            id: randomUUID(),
            email: uniqueEmail(tag),
            name: `${tag} ${i}`,
            role: 'user',
            passwordHash: 'h',
            now: later(i % 2),
          }),
        );
      }
      const expected = made
        .map((u) => u as NonNullable<typeof u>)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
        .map((u) => u.id);
      const first = await users.listUsers({ search: tag, limit: 3 });
      const last = first.at(-1) as NonNullable<(typeof first)[number]>;
      const rest = await users.listUsers({ search: tag, after: { createdAt: last.createdAt, id: last.id }, limit: 3 });
      expect([...first, ...rest].map((u) => u.id)).toEqual(expected);
      expect(await users.listUsers({ search: tag.toUpperCase(), limit: 10 })).toHaveLength(5);
      // % and _ match themselves, not any text.
      expect(await users.listUsers({ search: `${tag}%`, limit: 10 })).toEqual([]);
      expect(await users.listUsers({ search: '_____-_____', limit: 10 })).toEqual([]);
    });

    it('when an admin changes access, then the sessions end and the last enabled admin cannot be demoted or disabled', async () => {
      const { users } = await setup();
      const admin = (await users.createUser({
        id: randomUUID(),
        email: uniqueEmail('adm'),
        name: 'A',
        role: 'admin',
        passwordHash: 'h',
        now: T0,
      })) as NonNullable<Awaited<ReturnType<UserStore['createUser']>>>;
      const user = (await users.createUser({
        id: randomUUID(),
        email: uniqueEmail('usr'),
        name: 'U',
        role: 'user',
        passwordHash: 'h',
        now: T0,
      })) as NonNullable<Awaited<ReturnType<UserStore['createUser']>>>;
      const disabled = await users.updateUserAccess(user.id, { disabled: true }, later(1));
      expect(disabled).toMatchObject({ user: { disabledAt: later(1) }, endedSessionIds: [] });
      expect((await users.updateUserAccess(user.id, { disabled: false, role: 'admin' }, later(2))) as object).toMatchObject({
        user: { disabledAt: null, role: 'admin' },
      });
      expect(await users.updateUserAccess(randomUUID(), { disabled: true }, later(3))).toBeNull();
      // Two admins now (other tests' admins may exist too): demoting both in turn must stop at the last one.
      const results = [
        await users.updateUserAccess(user.id, { role: 'user' }, later(4)),
        await users.updateUserAccess(admin.id, { role: 'user' }, later(5)),
      ];
      const remaining = await users.listUsers({ limit: 10_000 });
      expect(remaining.some((u) => u.role === 'admin' && u.disabledAt === null)).toBe(true);
      expect(results.filter((r) => r === 'last_admin').length).toBeLessThanOrEqual(1);
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
