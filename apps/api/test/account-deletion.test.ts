import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApi,
  expectProblem,
  PASSWORD,
  realBackends,
  refresh,
  refreshCookieOf,
  registerUser,
  setCookieLine,
  XHR,
} from './support.ts';

// DELETE /api/me: after a recent sign-in, the user and everything of theirs goes, every access
// token of theirs is refused at once, and the email can register again.
const backends = await realBackends();

describe.each(backends)('account deletion on %s', (_name, open) => {
  const setup = async () => createTestApi({}, { db: await open() });

  it('when the user deletes the account, then sessions, tokens and rows are gone, and the email registers again', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const elsewhere = await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }).expect(200);

    const res = await request(api.app).delete('/api/me').set(bearer(user.accessToken)).expect(204);
    expect(setCookieLine(res)).toMatch(/^refresh_token=;.*Expires=Thu, 01 Jan 1970/);

    expectProblem(await request(api.app).get('/api/me').set(bearer(elsewhere.body.accessToken)), 401, 'session_revoked');
    expectProblem(await refresh(api.app, refreshCookieOf(elsewhere)), 401, 'refresh_invalid');
    expectProblem(
      await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }),
      401,
      'invalid_credentials',
    );
    for (const table of ['users WHERE id = $1', 'sessions WHERE user_id = $1', 'email_links WHERE user_id = $1']) {
      expect((await api.db.query(`SELECT 1 FROM ${table}`, [user.user.id])).rows).toEqual([]);
    }
    await registerUser(api.app, { email: user.email });
  });

  it('when the sign-in is older than REAUTH_MAX_AGE, then 401 insufficient_user_authentication and nothing is deleted', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    api.clock.advance(11 * 60_000);
    const fresh = await refresh(api.app, user.refresh).expect(200);
    expectProblem(await request(api.app).delete('/api/me').set(bearer(fresh.body.accessToken)), 401, 'insufficient_user_authentication');
    await request(api.app).get('/api/me').set(bearer(fresh.body.accessToken)).expect(200);
  });
});
