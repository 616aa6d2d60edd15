import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { openEmbeddedDatabase } from '../src/adapters/postgres/database.ts';
import { migrate } from '../src/adapters/postgres/migrate.ts';
import {
  bearer,
  createTestApi,
  expectProblem,
  mailSettled,
  PASSWORD,
  realBackends,
  refresh,
  registerAdmin,
  registerUser,
  type TestApi,
  uniqueEmail,
  XHR,
} from './support.ts';

// An admin lists users (search, cursor paging), disables and enables accounts, changes roles and
// ends a user's sessions; every change ends the user's sessions at once, and no change may leave
// the system without an enabled admin.
const backends = await realBackends();

const adminOf = registerAdmin;

const patch = (api: TestApi, token: string, id: string, body: object) =>
  request(api.app).patch(`/api/admin/users/${id}`).set(bearer(token)).send(body);

describe.each(backends)('admin controls on %s', (_name, open) => {
  const setup = async () => createTestApi({}, { db: await open() });

  it('when users are searched, then pages follow each other by cursor; a bad cursor or search is 400', async () => {
    const api = await setup();
    const admin = await adminOf(api);
    const tag = `find-${crypto.randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 3; i++) await registerUser(api.app, { email: uniqueEmail(tag) });
    const all = (await request(api.app).get(`/api/admin/users?search=${tag}`).set(bearer(admin.accessToken)).expect(200)).body;
    expect(all.users).toHaveLength(3);
    expect(all.nextCursor).toBeNull();
    expect(all.users[0]).toMatchObject({ disabled: false, emailVerified: true });
    const everyone = (await request(api.app).get('/api/admin/users').set(bearer(admin.accessToken)).expect(200)).body;
    if (everyone.nextCursor) {
      const next = (await request(api.app).get(`/api/admin/users?after=${everyone.nextCursor}`).set(bearer(admin.accessToken)).expect(200))
        .body;
      const ids = new Set([...everyone.users, ...next.users].map((u: { id: string }) => u.id));
      expect(ids.size).toBe(everyone.users.length + next.users.length);
    }
    expectProblem(await request(api.app).get('/api/admin/users?after=nope').set(bearer(admin.accessToken)), 400, 'validation_failed');
    expectProblem(
      await request(api.app)
        .get(`/api/admin/users?search=${'x'.repeat(101)}`)
        .set(bearer(admin.accessToken)),
      400,
      'validation_failed',
    );
  });

  it('when a signed-in user is disabled, then their token and refresh end at once, they cannot sign in, and enabling lets them back', async () => {
    const api = await setup();
    const admin = await adminOf(api);
    const user = await registerUser(api.app);
    const res = await patch(api, admin.accessToken, user.user.id, { disabled: true }).expect(200);
    expect(res.body.user).toMatchObject({ id: user.user.id, disabled: true });
    expectProblem(await request(api.app).get('/api/me').set(bearer(user.accessToken)), 401, 'session_revoked');
    expectProblem(await refresh(api.app, user.refresh), 401, 'session_revoked');
    expectProblem(
      await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }),
      403,
      'account_disabled',
    );
    // The wrong password says nothing about the account being disabled.
    expectProblem(
      await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: 'wrong-password' }),
      401,
      'invalid_credentials',
    );
    await patch(api, admin.accessToken, user.user.id, { disabled: false }).expect(200);
    await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }).expect(200);
  });

  it("when a role changes, then the user's sessions end and the next sign-in carries the new role; the activity log has both", async () => {
    const api = await setup();
    const admin = await adminOf(api);
    const user = await registerUser(api.app);
    await patch(api, admin.accessToken, user.user.id, { role: 'admin' }).expect(200);
    expectProblem(await refresh(api.app, user.refresh), 401, 'session_revoked');
    const again = await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }).expect(200);
    await request(api.app).get('/api/admin/users').set(bearer(again.body.accessToken)).expect(200);
    await mailSettled(api);
    const log = (await request(api.app).get(`/api/admin/users/${user.user.id}/activity`).set(bearer(admin.accessToken)).expect(200)).body;
    expect(log.events.map((e: { type: string }) => e.type)).toContain('role_changed');
  });

  it("when an admin ends a user's sessions, then every session of theirs is over", async () => {
    const api = await setup();
    const admin = await adminOf(api);
    const user = await registerUser(api.app);
    await request(api.app).post(`/api/admin/users/${user.user.id}/sessions/revoke`).set(bearer(admin.accessToken)).expect(204);
    expectProblem(await refresh(api.app, user.refresh), 401, 'session_revoked');
    expectProblem(
      await request(api.app).post(`/api/admin/users/${crypto.randomUUID()}/sessions/revoke`).set(bearer(admin.accessToken)),
      404,
      'not_found',
    );
  });

  it('when an admin would demote or disable themselves, then 409 admin_lockout and nothing changes', async () => {
    const api = await setup();
    const admin = await adminOf(api);
    expectProblem(await patch(api, admin.accessToken, admin.user.id, { role: 'user' }), 409, 'admin_lockout');
    expectProblem(await patch(api, admin.accessToken, admin.user.id, { disabled: true }), 409, 'admin_lockout');
    await request(api.app).get('/api/admin/users').set(bearer(admin.accessToken)).expect(200);
  });

  it('when the caller is no admin, the sign-in is old, or the body is wrong, then 403, 401 and 400', async () => {
    const api = await setup();
    const admin = await adminOf(api);
    const user = await registerUser(api.app);
    expectProblem(await patch(api, user.accessToken, admin.user.id, { disabled: true }), 403, 'insufficient_scope');
    expectProblem(await patch(api, admin.accessToken, user.user.id, {}), 400, 'validation_failed');
    expectProblem(await patch(api, admin.accessToken, user.user.id, { role: 'owner' }), 400, 'validation_failed');
    api.clock.advance(11 * 60_000);
    // The registration's session, refreshed: a valid admin token whose sign-in is 11 minutes old.
    const old = await refresh(api.app, admin.refresh).expect(200);
    expectProblem(await patch(api, old.body.accessToken, user.user.id, { disabled: true }), 401, 'insufficient_user_authentication');
  });
});

describe('the last admin', () => {
  it('when the only two admins demote each other at the same moment, then exactly one succeeds and one admin remains', async () => {
    // A database of its own: the rule counts every admin, so other tests' admins must not be there.
    const db = await openEmbeddedDatabase('memory://');
    await migrate(db);
    try {
      const api = await createTestApi({}, { db });
      const a = await adminOf(api);
      const b = await adminOf(api);
      // Through the store, so both changes reach the lock whatever the requests' timing.
      const now = new Date(api.clock.now());
      const results = await Promise.all([
        api.storage.users.updateUserAccess(b.user.id, { role: 'user' }, now),
        api.storage.users.updateUserAccess(a.user.id, { role: 'user' }, now),
      ]);
      expect(results.filter((r) => r === 'last_admin')).toHaveLength(1);
      const admins = async () =>
        (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL")).rows[0]?.n;
      expect(await admins()).toBe(1);
      // Through the API too: whichever request comes second is refused (or finds its own session ended).
      await db.query("UPDATE users SET role = 'admin' WHERE id = ANY($1::uuid[])", [[a.user.id, b.user.id]]);
      const c = await adminOf(api);
      const [first, second] = await Promise.all([
        patch(api, c.accessToken, a.user.id, { role: 'user' }),
        patch(api, c.accessToken, b.user.id, { role: 'user' }),
      ]);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(await admins()).toBe(1);
      expectProblem(await patch(api, c.accessToken, c.user.id, { role: 'user' }), 409, 'admin_lockout');
      // Nor may the last admin delete their account.
      expectProblem(await request(api.app).delete('/api/me').set(bearer(c.accessToken)), 409, 'admin_lockout');
      await request(api.app).get('/api/me').set(bearer(c.accessToken)).expect(200);
    } finally {
      await db.close();
    }
  });
});
