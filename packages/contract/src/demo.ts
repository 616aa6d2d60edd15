/**
 * The demo accounts: the API seeds them when SEED_DEMO_USERS is on (the default in development
 * without DATABASE_URL, never in production), the login page offers to fill them in, and the
 * start script and the tests sign in with them. One list, so they cannot drift apart.
 *
 * @example
 * ```ts
 * import { DEMO_USERS } from '@spa-auth/contract/demo';
 * await client.login({ email: DEMO_USERS.user.email, password: DEMO_USERS.user.password });
 * ```
 */
export const DEMO_USERS = {
  user: { email: 'demo@example.com', password: 'demo-password-1', name: 'Demo User', role: 'user' },
  admin: { email: 'admin@example.com', password: 'admin-password-1', name: 'Demo Admin', role: 'admin' },
} as const;
