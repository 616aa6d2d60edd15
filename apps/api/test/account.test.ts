import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApi, expectProblem, PASSWORD, refresh, refreshCookieOf, registerUser, type TestApi, XHR } from './support.ts';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});

type SessionRow = { id: string; revoked_at: Date | null; revoked_reason: string | null };

function sidOf(accessToken: string): string {
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString('utf8')) as { sid: string };
  return payload.sid;
}

/** A second (third, ...) session of an existing user, as another browser would start it. */
async function login(email: string, password = PASSWORD, userAgent = 'Another Browser/1.0') {
  const res = await request(api.app).post('/auth/login').set(XHR).set('User-Agent', userAgent).send({ email, password }).expect(200);
  const accessToken = res.body.accessToken as string;
  return { accessToken, refresh: refreshCookieOf(res) as string, sid: sidOf(accessToken) };
}

async function sessionRow(id: string): Promise<SessionRow> {
  const { rows } = await api.db.query<SessionRow>('SELECT id, revoked_at, revoked_reason FROM sessions WHERE id = $1', [id]);
  expect(rows).toHaveLength(1);
  return rows[0] as SessionRow;
}

const isoString = (value: unknown) => typeof value === 'string' && new Date(value).toISOString() === value;

describe('GET and PATCH /api/me', () => {
  it('when the user reads /api/me, then 200 { user } with no-store and nothing secret', async () => {
    const user = await registerUser(api.app, { name: 'Ada Lovelace' });
    const res = await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ user: { id: user.user.id, email: user.email, name: 'Ada Lovelace', role: 'user', emailVerified: true } });
    expect(JSON.stringify(res.body)).not.toContain('argon2');
  });

  it('when the user patches the name, then 200 with the trimmed name, kept in the database', async () => {
    const user = await registerUser(api.app);
    const res = await request(api.app).patch('/api/me').set(bearer(user.accessToken)).send({ name: '  Grace Hopper  ' }).expect(200);
    expect(res.body).toEqual({ user: { id: user.user.id, email: user.email, name: 'Grace Hopper', role: 'user', emailVerified: true } });
    const { rows } = await api.db.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [user.user.id]);
    expect(rows).toEqual([{ name: 'Grace Hopper' }]);
    const me = await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(200);
    expect(me.body.user.name).toBe('Grace Hopper');
  });

  it('when the name is empty or blank, then 400 validation_failed with errors[] on name, and the name stays', async () => {
    const user = await registerUser(api.app, { name: 'Unchanged' });
    for (const name of ['', '   ']) {
      const res = await request(api.app).patch('/api/me').set(bearer(user.accessToken)).send({ name });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toEqual([{ path: 'name', message: expect.any(String) }]);
    }
    const { rows } = await api.db.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [user.user.id]);
    expect(rows).toEqual([{ name: 'Unchanged' }]);
  });

  it('when the body carries an unknown field such as role, then 400 validation_failed and the role stays user', async () => {
    const user = await registerUser(api.app, { name: 'Unchanged' });
    const res = await request(api.app).patch('/api/me').set(bearer(user.accessToken)).send({ name: 'Eve', role: 'admin' });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors).toEqual([{ path: '', message: expect.stringContaining('role') }]);
    const { rows } = await api.db.query<{ name: string; role: string }>('SELECT name, role FROM users WHERE id = $1', [user.user.id]);
    expect(rows).toEqual([{ name: 'Unchanged', role: 'user' }]);
  });

  it('when the body is not JSON or not valid JSON, then 415 unsupported_media_type or 400 malformed_json', async () => {
    const user = await registerUser(api.app);
    const text = await request(api.app).patch('/api/me').set(bearer(user.accessToken)).type('text/plain').send('name=Eve');
    expectProblem(text, 415, 'unsupported_media_type');
    const broken = await request(api.app).patch('/api/me').set(bearer(user.accessToken)).type('application/json').send('{"name":');
    expectProblem(broken, 400, 'malformed_json');
  });

  it('when the account is deleted while its session is still cached as live, then 401 session_revoked with an invalid_token challenge', async () => {
    const user = await registerUser(api.app);
    // This request caches the session as live; the clock does not move, so the cache is still fresh below.
    await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(200);
    await api.db.query('DELETE FROM users WHERE id = $1', [user.user.id]);
    const res = await request(api.app).get('/api/me').set(bearer(user.accessToken));
    expectProblem(res, 401, 'session_revoked');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="spa-auth", error="invalid_token"/);
  });
});

describe('PUT /api/me/password', () => {
  it('when the current password is wrong, then 400 invalid_credentials and the hash is unchanged', async () => {
    const user = await registerUser(api.app);
    const hashOf = async () =>
      (await api.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user.user.id])).rows[0]
        ?.password_hash;
    const before = await hashOf();
    const res = await request(api.app)
      .put('/api/me/password')
      .set(bearer(user.accessToken))
      .send({ currentPassword: 'not-the-password', newPassword: 'a-brand-new-password' });
    expectProblem(res, 400, 'invalid_credentials');
    expect(await hashOf()).toBe(before);
    await login(user.email, PASSWORD);
  });

  it('when the new password is too short, then 400 validation_failed on newPassword', async () => {
    const user = await registerUser(api.app);
    const res = await request(api.app)
      .put('/api/me/password')
      .set(bearer(user.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'short' });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors).toEqual([{ path: 'newPassword', message: expect.any(String) }]);
  });

  it('when the password changes, then 204, the other sessions are revoked and the current one keeps working', async () => {
    const user = await registerUser(api.app);
    const current = { accessToken: user.accessToken, refresh: user.refresh, sid: sidOf(user.accessToken) };
    const other = await login(user.email);
    const bystander = await registerUser(api.app);

    await request(api.app)
      .put('/api/me/password')
      .set(bearer(current.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'a-brand-new-password' })
      .expect(204);

    expectProblem(await request(api.app).get('/api/me').set(bearer(other.accessToken)), 401, 'session_revoked');
    expectProblem(await refresh(api.app, other.refresh), 401, 'session_revoked');
    expect(await sessionRow(other.sid)).toMatchObject({ revoked_at: expect.any(Date), revoked_reason: 'password_changed' });

    await request(api.app).get('/api/me').set(bearer(current.accessToken)).expect(200);
    expect((await sessionRow(current.sid)).revoked_at).toBeNull();
    await refresh(api.app, current.refresh).expect(200);

    await request(api.app).get('/api/me').set(bearer(bystander.accessToken)).expect(200);
    expect((await sessionRow(sidOf(bystander.accessToken))).revoked_at).toBeNull();
  });

  it('when the password changes, then the new password logs in and the old one gets invalid_credentials', async () => {
    const user = await registerUser(api.app);
    await request(api.app)
      .put('/api/me/password')
      .set(bearer(user.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'a-brand-new-password' })
      .expect(204);
    await login(user.email, 'a-brand-new-password');
    const old = await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD });
    expectProblem(old, 401, 'invalid_credentials');
  });
});

describe('GET /api/sessions', () => {
  it('when the user has several sessions, then only the active ones are listed, the caller marked current', async () => {
    const email = (await registerUser(api.app)).email;
    const caller = await login(email, PASSWORD, 'Browser A/1.0');
    const other = await login(email, PASSWORD, 'Browser B/2.0');
    const loggedOut = await login(email, PASSWORD, 'Browser C/3.0');
    await request(api.app).post('/auth/logout').set(XHR).set('Cookie', `refresh_token=${loggedOut.refresh}`).expect(204);
    const idle = await login(email, PASSWORD, 'Browser D/4.0');
    await api.db.query('UPDATE sessions SET idle_expires_at = $2 WHERE id = $1', [idle.sid, new Date(api.clock.now() - 1000)]);
    const stranger = await registerUser(api.app);

    const res = await request(api.app).get('/api/sessions').set(bearer(caller.accessToken)).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const sessions = res.body.sessions as Array<Record<string, unknown>>;
    const byId = new Map(sessions.map((s) => [s.id, s]));
    expect(byId.has(loggedOut.sid)).toBe(false);
    expect(byId.has(idle.sid)).toBe(false);
    expect(byId.has(sidOf(stranger.accessToken))).toBe(false);
    expect(byId.get(caller.sid)).toMatchObject({ current: true, userAgent: 'Browser A/1.0' });
    expect(byId.get(other.sid)).toMatchObject({ current: false, userAgent: 'Browser B/2.0' });
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    for (const session of sessions) {
      expect(Object.keys(session).sort()).toEqual(['createdAt', 'current', 'id', 'lastUsedAt', 'userAgent']);
      expect(isoString(session.createdAt)).toBe(true);
      expect(isoString(session.lastUsedAt)).toBe(true);
    }
    // The registration session plus the caller's and the other live browser's.
    expect(sessions).toHaveLength(3);
  });

  it('when a session is refreshed later, then its lastUsedAt moves to that time and createdAt stays', async () => {
    const user = await registerUser(api.app);
    const createdAt = new Date(api.clock.now()).toISOString();
    api.clock.advance(60_000);
    const refreshed = await refresh(api.app, user.refresh).expect(200);
    const res = await request(api.app).get('/api/sessions').set(bearer(refreshed.body.accessToken)).expect(200);
    expect(res.body.sessions).toEqual([
      { id: sidOf(user.accessToken), createdAt, lastUsedAt: new Date(api.clock.now()).toISOString(), userAgent: null, current: true },
    ]);
  });
});

describe('DELETE /api/sessions/:id', () => {
  it('when the user deletes another of their sessions, then 204, it is revoked in the database and its tokens are refused', async () => {
    const user = await registerUser(api.app);
    const other = await login(user.email);
    await request(api.app).get('/api/me').set(bearer(other.accessToken)).expect(200);

    const res = await request(api.app).delete(`/api/sessions/${other.sid}`).set(bearer(user.accessToken)).expect(204);
    expect(res.text).toBe('');

    expect(await sessionRow(other.sid)).toMatchObject({ revoked_at: expect.any(Date), revoked_reason: 'revoked_by_user' });
    expectProblem(await request(api.app).get('/api/me').set(bearer(other.accessToken)), 401, 'session_revoked');
    expectProblem(await refresh(api.app, other.refresh), 401, 'session_revoked');
    const list = await request(api.app).get('/api/sessions').set(bearer(user.accessToken)).expect(200);
    expect(list.body.sessions.map((s: { id: string }) => s.id)).toEqual([sidOf(user.accessToken)]);
  });

  it("when the id is another user's session, then 404 not_found and that session lives on", async () => {
    const user = await registerUser(api.app);
    const victim = await registerUser(api.app);
    const victimSid = sidOf(victim.accessToken);
    const res = await request(api.app).delete(`/api/sessions/${victimSid}`).set(bearer(user.accessToken));
    expectProblem(res, 404, 'not_found');
    expect((await sessionRow(victimSid)).revoked_at).toBeNull();
    await request(api.app).get('/api/me').set(bearer(victim.accessToken)).expect(200);
  });

  it('when the id is an unknown uuid, then 404 not_found', async () => {
    const user = await registerUser(api.app);
    expectProblem(await request(api.app).delete(`/api/sessions/${randomUUID()}`).set(bearer(user.accessToken)), 404, 'not_found');
  });

  it('when the id is not a uuid, then 404 not_found, not a 500', async () => {
    const user = await registerUser(api.app);
    for (const id of ['not-a-uuid', '1', "x' OR '1'='1", '00000000-0000-0000-0000-00000000000g']) {
      const res = await request(api.app)
        .delete(`/api/sessions/${encodeURIComponent(id)}`)
        .set(bearer(user.accessToken));
      expectProblem(res, 404, 'not_found');
    }
  });

  it('when the session was already revoked, then deleting it again answers 404 not_found', async () => {
    const user = await registerUser(api.app);
    const other = await login(user.email);
    await request(api.app).delete(`/api/sessions/${other.sid}`).set(bearer(user.accessToken)).expect(204);
    expectProblem(await request(api.app).delete(`/api/sessions/${other.sid}`).set(bearer(user.accessToken)), 404, 'not_found');
  });

  it('when the user deletes the current session, then its own access token is refused at once', async () => {
    const user = await registerUser(api.app);
    const sid = sidOf(user.accessToken);
    await request(api.app).delete(`/api/sessions/${sid}`).set(bearer(user.accessToken)).expect(204);
    expectProblem(await request(api.app).get('/api/me').set(bearer(user.accessToken)), 401, 'session_revoked');
    expect((await sessionRow(sid)).revoked_at).not.toBeNull();
  });
});

describe('POST /api/sessions/revoke-others', () => {
  it("when the user revokes the others, then 204, every other session of theirs is revoked and no one else's", async () => {
    const user = await registerUser(api.app);
    const second = await login(user.email);
    const third = await login(user.email);
    const stranger = await registerUser(api.app);

    await request(api.app).post('/api/sessions/revoke-others').set(bearer(user.accessToken)).expect(204);

    for (const other of [second, third]) {
      expect(await sessionRow(other.sid)).toMatchObject({ revoked_at: expect.any(Date), revoked_reason: 'revoked_by_user' });
      expectProblem(await request(api.app).get('/api/me').set(bearer(other.accessToken)), 401, 'session_revoked');
      expectProblem(await refresh(api.app, other.refresh), 401, 'session_revoked');
    }
    expect((await sessionRow(sidOf(user.accessToken))).revoked_at).toBeNull();
    const list = await request(api.app).get('/api/sessions').set(bearer(user.accessToken)).expect(200);
    expect(list.body.sessions).toEqual([expect.objectContaining({ id: sidOf(user.accessToken), current: true })]);
    await refresh(api.app, user.refresh).expect(200);
    expect((await sessionRow(sidOf(stranger.accessToken))).revoked_at).toBeNull();
    await request(api.app).get('/api/me').set(bearer(stranger.accessToken)).expect(200);
  });
});

describe('GET /api/admin/users', () => {
  it('when an admin lists the users, then every user comes with createdAt and no password hash anywhere', async () => {
    const admin = await registerUser(api.app);
    await api.db.query("UPDATE users SET role = 'admin' WHERE id = $1", [admin.user.id]);
    const session = await login(admin.email);
    const other = await registerUser(api.app, { name: 'Listed User' });

    const res = await request(api.app).get('/api/admin/users').set(bearer(session.accessToken)).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    // Every user, a page at a time: follow the cursor to the end.
    const users = res.body.users as Array<Record<string, unknown>>;
    for (let cursor = res.body.nextCursor as string | null; cursor; ) {
      const next = await request(api.app).get(`/api/admin/users?after=${cursor}`).set(bearer(session.accessToken)).expect(200);
      users.push(...next.body.users);
      cursor = next.body.nextCursor;
    }
    const { rows } = await api.db.query<{ count: string | number }>('SELECT count(*) AS count FROM users');
    expect(users).toHaveLength(Number(rows[0]?.count));
    expect(users).toContainEqual({
      id: other.user.id,
      email: other.email,
      name: 'Listed User',
      role: 'user',
      createdAt: expect.any(String),
      emailVerified: true,
      disabled: false,
    });
    expect(users.find((u) => u.id === admin.user.id)).toMatchObject({ role: 'admin' });
    for (const user of users) {
      expect(Object.keys(user).sort()).toEqual(['createdAt', 'disabled', 'email', 'emailVerified', 'id', 'name', 'role']);
      expect(isoString(user.createdAt)).toBe(true);
    }
    const body = JSON.stringify(res.body);
    expect(body).not.toMatch(/argon2|password/i);
  });

  it('when a plain user lists the users, then 403 insufficient_scope', async () => {
    const user = await registerUser(api.app);
    expectProblem(await request(api.app).get('/api/admin/users').set(bearer(user.accessToken)), 403, 'insufficient_scope');
  });
});

describe('health and unknown routes', () => {
  it('when /healthz is asked, then 200 { status: "ok" } without a token', async () => {
    const res = await request(api.app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('when /readyz is asked with the database up, then 200', async () => {
    await request(api.app).get('/readyz').expect(200);
  });

  it('when a signed-in caller asks for an unknown /api route, then 404 not_found problem+json', async () => {
    const user = await registerUser(api.app);
    expectProblem(await request(api.app).get('/api/nothing-here').set(bearer(user.accessToken)), 404, 'not_found');
  });
});
