import { randomUUID } from 'node:crypto';
import { DEMO_USERS } from '@spa-auth/contract/demo';
import type { Passwords } from './auth/passwords.ts';
import type { Clock } from './clock.ts';
import type { UserStore } from './users/users.ts';

/** The demo users of requirement 8, with verified addresses. Idempotent: an existing email is left as it is. */
export async function seedDemoUsers(
  users: Pick<UserStore, 'findUserByEmail' | 'createUser'>,
  passwords: Passwords,
  clock: Clock,
): Promise<void> {
  for (const demo of Object.values(DEMO_USERS)) {
    if (await users.findUserByEmail(demo.email)) continue;
    await users.createUser({
      id: randomUUID(),
      email: demo.email,
      name: demo.name,
      role: demo.role,
      passwordHash: await passwords.hashPassword(demo.password),
      now: new Date(clock.now()),
      // example.com receives no mail: the demo accounts count as verified, so the admin page works.
      emailVerifiedAt: new Date(clock.now()),
    });
  }
}
