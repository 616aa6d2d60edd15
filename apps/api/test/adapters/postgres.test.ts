import { describe, expect, it } from 'vitest';
import { createPostgresStorage } from '../../src/adapters/postgres/index.ts';
import { testActivityStore } from '../ports/activity-store.ts';
import { testApiTokenStore } from '../ports/api-token-store.ts';
import { testEmailLinkStore } from '../ports/email-link-store.ts';
import { testPasskeyStore } from '../ports/passkey-store.ts';
import { testSecondFactorStore } from '../ports/second-factor-store.ts';
import { testSessionStore } from '../ports/session-store.ts';
import { testUserStore } from '../ports/user-store.ts';
import { realBackends } from '../support.ts';

// The PostgreSQL adapter against every port's suite, on every real backend it serves: the embedded
// PGlite always, a PostgreSQL server in every CI run. Another adapter is one more file like this.
const backends = await realBackends();

describe.each(backends)('the PostgreSQL adapter on %s', (_name, open) => {
  const setup = async () => {
    const db = await open();
    const count = async (sql: string, id: string) => (await db.query<{ n: number }>(sql, [id])).rows[0]?.n ?? 0;
    return {
      ...createPostgresStorage(db),
      inspect: {
        countTokensOfSession: (sessionId: string) =>
          count('SELECT count(*)::int AS n FROM refresh_tokens WHERE session_id = $1', sessionId),
        countTokensOfUser: (userId: string) =>
          count('SELECT count(*)::int AS n FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE s.user_id = $1', userId),
        countSessionsOfUser: (userId: string) => count('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', userId),
        revokedReasonOf: async (sessionId: string) =>
          (await db.query<{ reason: string | null }>('SELECT revoked_reason AS reason FROM sessions WHERE id = $1', [sessionId])).rows[0]
            ?.reason ?? null,
        // PostgreSQL text cannot hold a NUL byte.
        unstorableText: 'bad\u0000agent',
      },
    };
  };

  testUserStore(setup);
  testSessionStore(setup);
  testEmailLinkStore(setup);
  testActivityStore(setup);
  testApiTokenStore(setup);
  testSecondFactorStore(setup);
  testPasskeyStore(setup);

  it('when pinged, then it resolves', async () => {
    await expect((await setup()).ping()).resolves.toBeUndefined();
  });
});
