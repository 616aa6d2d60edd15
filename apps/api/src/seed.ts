import { randomUUID } from 'node:crypto';
import type { Passwords } from './auth/passwords.ts';
import type { Clock } from './clock.ts';
import type { UserStore } from './users/users.ts';

/** The demo users of requirement 8. Idempotent: an existing email is left as it is. */
export const DEMO_USERS = [
  { email: 'demo@example.com', password: 'demo-password-1', name: 'Demo User', role: 'user' },
  { email: 'admin@example.com', password: 'admin-password-1', name: 'Demo Admin', role: 'admin' },
] as const;

export async function seedDemoUsers(
  users: Pick<UserStore, 'findUserByEmail' | 'createUser'>,
  passwords: Passwords,
  clock: Clock,
): Promise<void> {
  for (const demo of DEMO_USERS) {
    if (await users.findUserByEmail(demo.email)) continue;
    await users.createUser({
      id: randomUUID(),
      email: demo.email,
      name: demo.name,
      role: demo.role,
      passwordHash: await passwords.hashPassword(demo.password),
      now: new Date(clock.now()),
    });
  }
}
