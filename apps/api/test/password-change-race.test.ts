import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { bearer, createTestApi, PASSWORD, realBackends, refresh, refreshCookieOf, registerUser, XHR } from './support.ts';

// A login checks the password against the hash it read, which takes a hash's time on a password
// thread; a password change can commit in between. Whatever the interleaving, no session that was
// signed in with the old password may outlive the change. On PostgreSQL the logins and the change
// run on separate connections at once; on PGlite they interleave between statements.
const backends = await realBackends();

const ROUNDS = 3;
const LOGIN_LOOPS = 4;
const NEW_PASSWORD = 'a-brand-new-password-2';

describe.each(backends)('a password change racing logins with the old password, on %s', (_name, open) => {
  it('when old-password logins keep coming while the password changes, many times over, then none of their sessions or access tokens work afterwards', async () => {
    // Limits high enough that every login is really checked (the failure limit is tested elsewhere).
    const api = await createTestApi({ LOGIN_MAX_FAILURES: '10000', AUTH_RATE_LIMIT: '10000' }, { db: await open() });
    let signedIn = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const user = await registerUser(api.app);
      // Logins keep coming in a few loops until the change is over, so that some are always between
      // reading the old hash and writing their session when the change commits: the race itself.
      let changed = false;
      let started = 0;
      const answers: request.Response[] = [];
      const loops = Array.from({ length: LOGIN_LOOPS }, async () => {
        for (let afterChange = 0; afterChange < 2; afterChange += changed ? 1 : 0) {
          started += 1;
          answers.push(await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }));
        }
      });
      while (started < LOGIN_LOOPS * 2) await new Promise((resolve) => setImmediate(resolve));
      const change = await request(api.app)
        .put('/api/me/password')
        .set(bearer(user.accessToken))
        .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
      changed = true;
      await Promise.all(loops);
      expect(change.status).toBe(204);
      for (const answer of answers) expect([200, 401]).toContain(answer.status);

      const won = answers.filter((a) => a.status === 200);
      signedIn += won.length;
      for (const login of won) {
        const me = await request(api.app).get('/api/me').set(bearer(login.body.accessToken));
        expect(me.status, 'an access token from an old-password login still works').toBe(401);
        const renewed = await refresh(api.app, refreshCookieOf(login));
        expect(renewed.status, 'a session from an old-password login can still be refreshed').toBe(401);
      }
      // In the database: the session that made the change is the user's only live one.
      const { rows } = await api.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL',
        [user.user.id],
      );
      expect(rows[0]?.n).toBe(1);
      // The new password works; the old one does not.
      await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: NEW_PASSWORD }).expect(200);
      await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }).expect(401);
    }
    // Logins did get in before the change (so the race was really run); every one of them is gone now.
    expect(signedIn).toBeGreaterThan(0);
  });
});
