import type { Express } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { bearer, createTestApi, PASSWORD, registerUser, uniqueEmail, withCountedRefreshLookups, XHR } from './support.ts';

const WINDOW_MS = 60_000;
const SMALL = { AUTH_RATE_LIMIT: '5', LOGIN_MAX_FAILURES: '3', RATE_LIMIT_WINDOW: '60s' };
// For the failed-login limit the per-IP budget must not be the one that trips first.
const LOGIN_ONLY = { AUTH_RATE_LIMIT: '100', LOGIN_MAX_FAILURES: '3', RATE_LIMIT_WINDOW: '60s' };

/** The cheapest /auth/* request that counts: a refresh without a cookie, answered 401 when allowed. */
const refreshFrom = (app: Express, ip?: string) => {
  const req = request(app).post('/auth/refresh').set(XHR);
  return ip ? req.set('X-Forwarded-For', ip) : req;
};

const loginFrom = (app: Express, email: string, password: string, ip?: string) => {
  const req = request(app).post('/auth/login').set(XHR);
  return (ip ? req.set('X-Forwarded-For', ip) : req).send({ email, password });
};

function expectRateLimited(res: request.Response, windowSeconds = WINDOW_MS / 1000): number {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 429, code: 'rate_limited' });
  const retryAfter = res.headers['retry-after'];
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThan(0);
  expect(Number(retryAfter)).toBeLessThanOrEqual(windowSeconds);
  expect(res.headers.ratelimit).toBeDefined();
  expect(res.headers['ratelimit-policy']).toBeDefined();
  expect(res.headers['set-cookie']).toBeUndefined();
  return Number(retryAfter);
}

async function spend(app: Express, count: number, ip?: string) {
  for (let i = 0; i < count; i++) {
    const res = await refreshFrom(app, ip);
    expect(res.status).toBe(401);
  }
}

describe('per-IP limit on /auth/*', () => {
  it('when an IP makes AUTH_RATE_LIMIT requests, then the next one gets 429 rate_limited with Retry-After and RateLimit headers', async () => {
    const api = await createTestApi(SMALL);
    await spend(api.app, 5);
    const res = await refreshFrom(api.app);
    expect(expectRateLimited(res)).toBe(60);
    expect(res.headers['ratelimit-policy']).toMatch(/q=5/);
    expect(res.headers['ratelimit-policy']).toMatch(/w=60/);
    expect(res.headers.ratelimit).toMatch(/r=0/);
  });

  it('when requests are allowed, then the RateLimit header counts the remaining budget down', async () => {
    const api = await createTestApi(SMALL);
    const first = await refreshFrom(api.app).expect(401);
    expect(first.headers.ratelimit).toMatch(/r=4/);
    expect(first.headers['ratelimit-policy']).toMatch(/q=5/);
    await spend(api.app, 3);
    const fifth = await refreshFrom(api.app).expect(401);
    expect(fifth.headers.ratelimit).toMatch(/r=0/);
  });

  it('when register, login and refresh are mixed, then they share one budget and the refused register creates nothing', async () => {
    const api = await createTestApi(SMALL);
    const user = await registerUser(api.app);
    await loginFrom(api.app, user.email, PASSWORD).expect(200);
    await loginFrom(api.app, user.email, 'wrong-password-here').expect(401);
    await request(api.app).post('/auth/register').set(XHR).send({}).expect(400);
    await refreshFrom(api.app).expect(401);
    const email = uniqueEmail();
    const res = await request(api.app).post('/auth/register').set(XHR).send({ email, password: PASSWORD, name: 'Late' });
    expectRateLimited(res);
    const { rows } = await api.db.query('SELECT 1 FROM users WHERE email = $1', [email]);
    expect(rows).toEqual([]);
  });

  it('when time passes inside the window, then Retry-After counts down with it', async () => {
    const api = await createTestApi(SMALL);
    await spend(api.app, 5);
    api.clock.advance(20_000);
    expect(expectRateLimited(await refreshFrom(api.app))).toBe(40);
    api.clock.advance(39_000);
    expect(expectRateLimited(await refreshFrom(api.app))).toBe(1);
  });

  it('when the window ends, then requests pass again with a full budget', async () => {
    const api = await createTestApi(SMALL);
    await spend(api.app, 5);
    expectRateLimited(await refreshFrom(api.app));
    api.clock.advance(WINDOW_MS - 1);
    expectRateLimited(await refreshFrom(api.app));
    api.clock.advance(1);
    await spend(api.app, 5);
    expectRateLimited(await refreshFrom(api.app));
  });

  it('when the budget is spent, then logout still answers 204 and revokes the session', async () => {
    const api = await createTestApi(SMALL);
    const user = await registerUser(api.app);
    await spend(api.app, 4);
    expectRateLimited(await refreshFrom(api.app));
    const res = await request(api.app).post('/auth/logout').set(XHR).set('Cookie', `refresh_token=${user.refresh}`).expect(204);
    expect(res.headers['set-cookie']?.[0]).toMatch(/^refresh_token=;/);
    const { rows } = await api.db.query<{ revoked_reason: string }>('SELECT revoked_reason FROM sessions WHERE user_id = $1', [
      user.user.id,
    ]);
    expect(rows).toEqual([{ revoked_reason: 'logout' }]);
    for (let i = 0; i < 10; i++) await request(api.app).post('/auth/logout').set(XHR).expect(204);
  });

  it('when logout is spelled with a trailing slash or other case, then it is still never limited', async () => {
    const api = await createTestApi(SMALL);
    await spend(api.app, 5);
    for (const path of ['/auth/logout/', '/auth/Logout', '/auth/LOGOUT']) {
      await request(api.app).post(path).set(XHR).expect(204);
    }
  });

  it('when many logouts come first, then they do not use up the budget', async () => {
    const api = await createTestApi(SMALL);
    for (let i = 0; i < 10; i++) await request(api.app).post('/auth/logout').set(XHR).expect(204);
    await spend(api.app, 5);
    expectRateLimited(await refreshFrom(api.app));
  });

  it('when the /auth budget is spent, then /api and /healthz are not limited by it', async () => {
    const api = await createTestApi(SMALL);
    const user = await registerUser(api.app);
    await spend(api.app, 4);
    expectRateLimited(await refreshFrom(api.app));
    for (let i = 0; i < 8; i++) await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(200);
    await request(api.app).get('/healthz').expect(200);
  });

  it('when a proxy is trusted, then each client IP has its own budget', async () => {
    const api = await createTestApi({ ...SMALL, TRUST_PROXY: '1' });
    await spend(api.app, 5, '203.0.113.1');
    expectRateLimited(await refreshFrom(api.app, '203.0.113.1'));
    await spend(api.app, 5, '203.0.113.2');
    expectRateLimited(await refreshFrom(api.app, '203.0.113.2'));
    expectRateLimited(await refreshFrom(api.app, '203.0.113.1'));
  });

  it('when no proxy is trusted, then a forged X-Forwarded-For does not buy a new budget', async () => {
    const api = await createTestApi(SMALL);
    await spend(api.app, 5, '203.0.113.1');
    expectRateLimited(await refreshFrom(api.app, '203.0.113.2'));
    expectRateLimited(await refreshFrom(api.app, '198.51.100.7'));
  });

  it('when one app is rate limited, then a freshly built app is not: counters are per app, not global', async () => {
    const first = await createTestApi(SMALL);
    await spend(first.app, 5);
    expectRateLimited(await refreshFrom(first.app));
    const second = await createTestApi(SMALL);
    await refreshFrom(second.app).expect(401);
  });
});

describe('failed logins per email and IP', () => {
  it('when LOGIN_MAX_FAILURES wrong passwords were tried, then even the right password gets 429 until the window ends', async () => {
    const api = await createTestApi(LOGIN_ONLY);
    const user = await registerUser(api.app);
    for (let i = 0; i < 3; i++) {
      const res = await loginFrom(api.app, user.email, `wrong-password-${i}`).expect(401);
      expect(res.body.code).toBe('invalid_credentials');
    }
    const blocked = await loginFrom(api.app, user.email, PASSWORD);
    expectRateLimited(blocked);
    api.clock.advance(30_000);
    expect(expectRateLimited(await loginFrom(api.app, user.email, PASSWORD))).toBe(30);
    api.clock.advance(30_000);
    const ok = await loginFrom(api.app, user.email, PASSWORD).expect(200);
    expect(ok.body.user.email).toBe(user.email);
  });

  it('when one email is locked, then another email from the same IP still logs in and fails normally', async () => {
    const api = await createTestApi(LOGIN_ONLY);
    const locked = await registerUser(api.app);
    const other = await registerUser(api.app);
    for (let i = 0; i < 3; i++) await loginFrom(api.app, locked.email, 'wrong-password-x').expect(401);
    expectRateLimited(await loginFrom(api.app, locked.email, PASSWORD));
    await loginFrom(api.app, other.email, PASSWORD).expect(200);
    const wrong = await loginFrom(api.app, other.email, 'wrong-password-x').expect(401);
    expect(wrong.body.code).toBe('invalid_credentials');
  });

  it('when the email differs only in case and spaces, then the failures count against the same account', async () => {
    const api = await createTestApi(LOGIN_ONLY);
    const user = await registerUser(api.app);
    await loginFrom(api.app, user.email.toUpperCase(), 'wrong-password-x').expect(401);
    await loginFrom(api.app, `  ${user.email} `, 'wrong-password-x').expect(401);
    await loginFrom(api.app, user.email, 'wrong-password-x').expect(401);
    expectRateLimited(await loginFrom(api.app, user.email, PASSWORD));
  });

  it('when the email is unknown, then failures are limited the same way, so the limit does not reveal accounts', async () => {
    const api = await createTestApi(LOGIN_ONLY);
    const email = uniqueEmail('ghost');
    for (let i = 0; i < 3; i++) await loginFrom(api.app, email, 'wrong-password-x').expect(401);
    expectRateLimited(await loginFrom(api.app, email, 'wrong-password-x'));
  });

  it('when successful logins come between failures, then only the failures count', async () => {
    const api = await createTestApi(LOGIN_ONLY);
    const user = await registerUser(api.app);
    await loginFrom(api.app, user.email, 'wrong-password-x').expect(401);
    await loginFrom(api.app, user.email, 'wrong-password-x').expect(401);
    for (let i = 0; i < 4; i++) await loginFrom(api.app, user.email, PASSWORD).expect(200);
    await loginFrom(api.app, user.email, 'wrong-password-x').expect(401);
    expectRateLimited(await loginFrom(api.app, user.email, PASSWORD));
  });

  it('when a body fails validation, then it is not counted as a failed login', async () => {
    const api = await createTestApi(LOGIN_ONLY);
    const user = await registerUser(api.app);
    for (let i = 0; i < 5; i++) {
      await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: '' }).expect(400);
    }
    await loginFrom(api.app, user.email, PASSWORD).expect(200);
  });

  it('when one IP has locked an email, then the same email from another IP still logs in', async () => {
    const api = await createTestApi({ ...LOGIN_ONLY, TRUST_PROXY: '1' });
    const user = await registerUser(api.app);
    for (let i = 0; i < 3; i++) await loginFrom(api.app, user.email, 'wrong-password-x', '203.0.113.10').expect(401);
    expectRateLimited(await loginFrom(api.app, user.email, PASSWORD, '203.0.113.10'));
    await loginFrom(api.app, user.email, PASSWORD, '203.0.113.11').expect(200);
    expectRateLimited(await loginFrom(api.app, user.email, PASSWORD, '203.0.113.10'));
  });

  it('when the per-IP budget and the failure limit are small, then the failure limit trips first for one email', async () => {
    const api = await createTestApi(SMALL);
    const user = await registerUser(api.app);
    for (let i = 0; i < 3; i++) await loginFrom(api.app, user.email, 'wrong-password-x').expect(401);
    const res = await loginFrom(api.app, user.email, PASSWORD);
    expectRateLimited(res);
    expect(res.headers['ratelimit-policy']).toMatch(/q=3/);
  });
});

describe('refreshes per session', () => {
  const PER_SESSION = { AUTH_RATE_LIMIT: '100', REFRESH_RATE_LIMIT: '3', RATE_LIMIT_WINDOW: '60s' };
  const refreshWith = (app: Express, cookie: string) =>
    request(app).post('/auth/refresh').set(XHR).set('Cookie', `refresh_token=${cookie}`);
  const cookieOf = (res: request.Response) =>
    (res.headers['set-cookie'] as unknown as string[])[0]?.split(';', 1)[0]?.slice('refresh_token='.length) as string;

  it('when one session refreshes more than REFRESH_RATE_LIMIT times, then it gets 429 and keeps its cookie', async () => {
    const api = await createTestApi(PER_SESSION);
    const user = await registerUser(api.app);
    let cookie = user.refresh;
    for (let i = 0; i < 3; i++) cookie = cookieOf(await refreshWith(api.app, cookie).expect(200));
    expectRateLimited(await refreshWith(api.app, cookie));
    // Another session of the same IP is not affected.
    const other = await registerUser(api.app);
    await refreshWith(api.app, other.refresh).expect(200);
    // After the window the limited session still works: the 429 did not end it.
    api.clock.advance(WINDOW_MS);
    await refreshWith(api.app, cookie).expect(200);
  });

  it('when a cookie has the selector of a session but not its verifier, then it does not use up the budget of that session', async () => {
    const api = await createTestApi(PER_SESSION);
    const user = await registerUser(api.app);
    const [selector] = user.refresh.split('.');
    for (let i = 0; i < 5; i++) {
      const res = await refreshWith(api.app, `${selector}.${'b'.repeat(43)}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('refresh_invalid');
    }
    let cookie = user.refresh;
    for (let i = 0; i < 3; i++) cookie = cookieOf(await refreshWith(api.app, cookie).expect(200));
    expectRateLimited(await refreshWith(api.app, cookie));
  });

  it('when a refresh is limited per session, then the cookie is still looked up only once', async () => {
    const api = await createTestApi(PER_SESSION);
    const { app, lookups } = withCountedRefreshLookups(api);
    const user = await registerUser(app);
    await refreshWith(app, user.refresh).expect(200);
    expect(lookups()).toBe(1);
  });

  it('when a cookie names no session, then only the per-IP limit applies to it', async () => {
    const api = await createTestApi(PER_SESSION);
    for (let i = 0; i < 5; i++) {
      const res = await refreshWith(api.app, `${'a'.repeat(22)}.${'b'.repeat(43)}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('refresh_invalid');
    }
  });
});
