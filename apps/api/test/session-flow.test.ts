import { DEMO_USERS } from '@spa-auth/contract/demo';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createPasswords } from '../src/auth/passwords.ts';
import { createManualClock } from '../src/clock.ts';
import { seedDemoUsers } from '../src/seed.ts';
import {
  bearer,
  createTestApi,
  PASSWORD,
  refresh,
  refreshCookieOf,
  registerUser,
  setCookieLine,
  type TestApi,
  uniqueEmail,
  XHR,
} from './support.ts';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});

describe('register, login, refresh, logout', () => {
  it('when a user registers, then a session body comes back with no-store and an HttpOnly refresh cookie', async () => {
    const email = uniqueEmail();
    const res = await request(api.app).post('/auth/register').set(XHR).send({ email, password: PASSWORD, name: 'Ada' }).expect(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 300, user: { email, name: 'Ada', role: 'user' } });
    expect(res.body.user).not.toHaveProperty('passwordHash');
    expect(JSON.stringify(res.body)).not.toContain('argon2');
    const cookie = setCookieLine(res) as string;
    expect(cookie).toMatch(/^refresh_token=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/auth');
    // Idle end (7 d) is sooner than the absolute end (30 d).
    expect(cookie).toContain(`Max-Age=${7 * 24 * 3600}`);
  });

  it('when the email differs only in case and spaces, then login finds the account and register says email_taken', async () => {
    const { email } = await registerUser(api.app);
    const shouty = `  ${email.toUpperCase()} `;
    const login = await request(api.app).post('/auth/login').set(XHR).send({ email: shouty, password: PASSWORD }).expect(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const res = await request(api.app)
      .post('/auth/register')
      .set(XHR)
      .send({ email: shouty, password: PASSWORD, name: 'Twin' })
      .expect(409);
    expect(res.body.code).toBe('email_taken');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('when the password is wrong or the email unknown, then both get the same 401 invalid_credentials body', async () => {
    const { email } = await registerUser(api.app);
    const wrong = await request(api.app).post('/auth/login').set(XHR).send({ email, password: 'not-the-password' }).expect(401);
    const unknown = await request(api.app)
      .post('/auth/login')
      .set(XHR)
      .send({ email: uniqueEmail(), password: 'not-the-password' })
      .expect(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.code).toBe('invalid_credentials');
  });

  it('when the refresh cookie is presented, then a new token and a new cookie come back and the old access token still works', async () => {
    const user = await registerUser(api.app);
    const res = await refresh(api.app, user.refresh).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const next = refreshCookieOf(res);
    expect(next).toBeDefined();
    expect(next).not.toBe(user.refresh);
    const me = await request(api.app).get('/api/me').set(bearer(res.body.accessToken)).expect(200);
    expect(me.body.user.email).toBe(user.email);
  });

  it('when the session is refreshed, then the cookie Max-Age counts down to the absolute end', async () => {
    const user = await registerUser(api.app, {});
    let cookie = user.refresh;
    // Refresh every 6 days: idle never ends, the absolute end (30 d) does.
    for (let day = 6; day <= 24; day += 6) {
      api.clock.advance(6 * 24 * 3600 * 1000);
      const res = await refresh(api.app, cookie).expect(200);
      cookie = refreshCookieOf(res) as string;
      const left = 30 - day;
      const expected = Math.min(7, left) * 24 * 3600;
      expect(setCookieLine(res)).toContain(`Max-Age=${expected}`);
    }
    api.clock.advance(6 * 24 * 3600 * 1000);
    const ended = await refresh(api.app, cookie).expect(401);
    expect(ended.body.code).toBe('refresh_expired');
    expect(setCookieLine(ended)).toMatch(/refresh_token=;.*Expires=Thu, 01 Jan 1970/);
  });

  it('when a session is idle for longer than REFRESH_IDLE_TTL, then refresh answers refresh_expired', async () => {
    const user = await registerUser(api.app);
    api.clock.advance(7 * 24 * 3600 * 1000 + 1000);
    const res = await refresh(api.app, user.refresh).expect(401);
    expect(res.body.code).toBe('refresh_expired');
  });

  it('when there is no cookie or a malformed one, then refresh_missing or refresh_invalid, each clearing the cookie', async () => {
    const missing = await refresh(api.app, undefined).expect(401);
    expect(missing.body.code).toBe('refresh_missing');
    expect(setCookieLine(missing)).toMatch(/^refresh_token=;/);
    const invalid = await refresh(api.app, 'not-a-token').expect(401);
    expect(invalid.body.code).toBe('refresh_invalid');
    expect(setCookieLine(invalid)).toMatch(/^refresh_token=;.*Path=\/auth/);
    const forged = await refresh(api.app, `${'a'.repeat(22)}.${'b'.repeat(43)}`).expect(401);
    expect(forged.body.code).toBe('refresh_invalid');
  });

  it('when the selector is right but the verifier wrong, then refresh_invalid and the real session is untouched', async () => {
    const user = await registerUser(api.app);
    const [selector] = user.refresh.split('.');
    const res = await refresh(api.app, `${selector}.${'x'.repeat(43)}`).expect(401);
    expect(res.body.code).toBe('refresh_invalid');
    await refresh(api.app, user.refresh).expect(200);
  });

  it('when the user logs out, then the access token and the refresh cookie are refused at once', async () => {
    const user = await registerUser(api.app);
    const res = await request(api.app).post('/auth/logout').set(XHR).set('Cookie', `refresh_token=${user.refresh}`).expect(204);
    expect(setCookieLine(res)).toMatch(/^refresh_token=;/);
    const me = await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(401);
    expect(me.body.code).toBe('session_revoked');
    expect(me.headers['www-authenticate']).toMatch(/^Bearer realm="spa-auth", error="invalid_token"/);
    const again = await refresh(api.app, user.refresh).expect(401);
    expect(again.body.code).toBe('session_revoked');
    expect(setCookieLine(again)).toMatch(/^refresh_token=;.*Path=\/auth/);
    const { rows } = await api.db.query<{ revoked_reason: string }>('SELECT revoked_reason FROM sessions WHERE user_id = $1', [
      user.user.id,
    ]);
    expect(rows).toEqual([{ revoked_reason: 'logout' }]);
  });

  it('when logout comes without a cookie, then it still answers 204', async () => {
    await request(api.app).post('/auth/logout').set(XHR).expect(204);
  });

  it('when a user registers, then the database keeps an argon2id hash and only a SHA-256 of the refresh verifier', async () => {
    const user = await registerUser(api.app);
    const { rows: users } = await api.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user.user.id]);
    expect(users[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=12288,t=3,p=1\$/);
    const [selector, verifier] = user.refresh.split('.');
    const { rows: tokens } = await api.db.query<{ verifier_hash: string }>('SELECT verifier_hash FROM refresh_tokens WHERE selector = $1', [
      selector,
    ]);
    expect(tokens[0]?.verifier_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens[0]?.verifier_hash).not.toContain(verifier);
    const dump = JSON.stringify((await api.db.query('SELECT * FROM refresh_tokens')).rows);
    expect(dump).not.toContain(verifier as string);
  });

  it('when something unexpected fails, then 500 internal_error says nothing of the cause', async () => {
    const user = await registerUser(api.app);
    const broken = createApp({
      ...api.deps,
      storage: {
        ...api.storage,
        users: { ...api.storage.users, findUserById: () => Promise.reject(new Error('secret detail: relation "users" at /srv/app.ts:42')) },
      },
    });
    const res = await request(broken).get('/api/me').set(bearer(user.accessToken)).expect(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: 'urn:spa-auth:problem:internal_error',
      title: 'Internal error',
      status: 500,
      detail: 'Something went wrong on our side',
      code: 'internal_error',
    });
    expect(res.text).not.toContain('secret detail');
  });

  it('when issuer, audience and cookie attributes are configured, then tokens and cookies carry them and other tokens are refused', async () => {
    const custom = await createTestApi({
      JWT_ISSUER: 'https://id.example',
      JWT_AUDIENCE: 'orders-api',
      COOKIE_SECURE: 'false',
      COOKIE_SAMESITE: 'lax',
    });
    const res = await request(custom.app)
      .post('/auth/register')
      .set(XHR)
      .send({ email: uniqueEmail(), password: PASSWORD, name: 'Custom' })
      .expect(201);
    const claims = JSON.parse(Buffer.from(res.body.accessToken.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ iss: 'https://id.example', aud: 'orders-api' });
    const cookie = setCookieLine(res) as string;
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure');
    await request(custom.app).get('/api/me').set(bearer(res.body.accessToken)).expect(200);
    // Same key, default issuer and audience: refused by the custom app, and the other way round.
    const plain = await createTestApi();
    const other = await registerUser(plain.app);
    expect((await request(custom.app).get('/api/me').set(bearer(other.accessToken)).expect(401)).body.code).toBe('token_invalid');
    expect((await request(plain.app).get('/api/me').set(bearer(res.body.accessToken)).expect(401)).body.code).toBe('token_invalid');
  });

  it('when the demo users are seeded, then demo is a user and admin an admin, and seeding again changes nothing', async () => {
    const clock = createManualClock();
    await seedDemoUsers(api.storage.users, createPasswords(), clock);
    const first = await Promise.all(Object.values(DEMO_USERS).map((d) => api.storage.users.findUserByEmail(d.email)));
    await seedDemoUsers(api.storage.users, createPasswords(), clock);
    const second = await Promise.all(Object.values(DEMO_USERS).map((d) => api.storage.users.findUserByEmail(d.email)));
    expect(first.map((u) => u?.role)).toEqual(['user', 'admin']);
    expect(second.map((u) => u?.id)).toEqual(first.map((u) => u?.id));
    expect(first.every((u) => u?.emailVerifiedAt instanceof Date)).toBe(true);
    const admin = await request(api.app)
      .post('/auth/login')
      .set(XHR)
      .send({ email: DEMO_USERS.admin.email, password: DEMO_USERS.admin.password })
      .expect(200);
    // The demo admin's address counts as verified, so the admin routes answer.
    await request(api.app).get('/api/admin/users').set(bearer(admin.body.accessToken)).expect(200);
  });
});
