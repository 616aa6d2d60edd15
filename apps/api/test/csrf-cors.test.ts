import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, PASSWORD, registerUser, type TestApi, uniqueEmail, XHR } from './support.ts';

let api: TestApi;
beforeAll(async () => {
  // Every test here signs up and calls /auth/* from one IP; the rate limit is rate-limit.test.ts's business.
  api = await createTestApi({ AUTH_RATE_LIMIT: '100000' });
});

type Endpoint = 'register' | 'login' | 'refresh' | 'logout';
const SUCCESS: Record<Endpoint, number> = { register: 201, login: 200, refresh: 200, logout: 204 };

/**
 * A request to one cookie endpoint that would succeed but for the headers under test: a fresh
 * email for register, a real account for login, a live refresh cookie for refresh and logout.
 */
async function call(endpoint: Endpoint, headers: Record<string, string>) {
  const { app } = api;
  if (endpoint === 'register') {
    const email = uniqueEmail();
    const res = await request(app).post('/auth/register').set(headers).send({ email, password: PASSWORD, name: 'Csrf' });
    return { res, email };
  }
  const user = await registerUser(app);
  if (endpoint === 'login') {
    const res = await request(app).post('/auth/login').set(headers).send({ email: user.email, password: PASSWORD });
    return { res, email: user.email, user };
  }
  const res = await request(app).post(`/auth/${endpoint}`).set(headers).set('Cookie', `refresh_token=${user.refresh}`);
  return { res, email: user.email, user };
}

async function userExists(email: string): Promise<boolean> {
  const { rows } = await api.db.query('SELECT 1 FROM users WHERE email = $1', [email]);
  return rows.length > 0;
}

async function sessionRevoked(userId: string): Promise<boolean> {
  const { rows } = await api.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM sessions WHERE user_id = $1', [userId]);
  return rows.some((row) => row.revoked_at !== null);
}

function expectCsrfRejected(res: request.Response) {
  expect(res.status).toBe(403);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('csrf_rejected');
  expect(res.headers['set-cookie']).toBeUndefined();
}

const endpoints: Endpoint[] = ['register', 'login', 'refresh', 'logout'];

describe.each(endpoints)('CSRF on POST /auth/%s', (endpoint) => {
  it('when X-Requested-With is missing, then 403 csrf_rejected and nothing happens', async () => {
    const { res, email, user } = await call(endpoint, {});
    expectCsrfRejected(res);
    if (endpoint === 'register') expect(await userExists(email)).toBe(false);
    if (user) expect(await sessionRevoked(user.user.id)).toBe(false);
  });

  it('when X-Requested-With has another value, then 403 csrf_rejected', async () => {
    expectCsrfRejected((await call(endpoint, { 'X-Requested-With': 'fetch' })).res);
  });

  it('when the Origin is foreign, then 403 csrf_rejected even with the header', async () => {
    const { res, email } = await call(endpoint, { ...XHR, Origin: 'https://evil.example' });
    expectCsrfRejected(res);
    if (endpoint === 'register') expect(await userExists(email)).toBe(false);
  });

  it.each(['http://localhost:51730', 'http://evil.localhost:5173', 'https://localhost:5173', 'http://localhost:5173.evil.example', 'null'])(
    'when the Origin is the near miss %s, then 403 csrf_rejected',
    async (origin) => {
      expectCsrfRejected((await call(endpoint, { ...XHR, Origin: origin })).res);
    },
  );

  it('when the Origin is an allowed one, then the request succeeds', async () => {
    const { res } = await call(endpoint, { ...XHR, Origin: 'http://localhost:5173' });
    expect(res.status).toBe(SUCCESS[endpoint]);
    const preview = await call(endpoint, { ...XHR, Origin: 'http://localhost:4173' });
    expect(preview.res.status).toBe(SUCCESS[endpoint]);
  });

  it("when the Origin is the API's own (http://<Host>), then the request succeeds", async () => {
    const { res } = await call(endpoint, { ...XHR, Host: 'api.example.test:8443', Origin: 'http://api.example.test:8443' });
    expect(res.status).toBe(SUCCESS[endpoint]);
  });

  it('when the Origin only looks like the Host (other port or scheme), then 403 csrf_rejected', async () => {
    expectCsrfRejected((await call(endpoint, { ...XHR, Host: 'api.example.test:8443', Origin: 'http://api.example.test:8444' })).res);
    expectCsrfRejected((await call(endpoint, { ...XHR, Host: 'api.example.test:8443', Origin: 'https://api.example.test:8443' })).res);
  });

  it('when there is no Origin but the header is there, then the request succeeds', async () => {
    expect((await call(endpoint, XHR)).res.status).toBe(SUCCESS[endpoint]);
  });

  it('when Sec-Fetch-Site is cross-site, then 403 csrf_rejected even with the header and an allowed Origin', async () => {
    expectCsrfRejected((await call(endpoint, { ...XHR, 'Sec-Fetch-Site': 'cross-site' })).res);
    expectCsrfRejected((await call(endpoint, { ...XHR, 'Sec-Fetch-Site': 'cross-site', Origin: 'http://localhost:5173' })).res);
  });

  it.each(['same-site', 'same-origin'])('when Sec-Fetch-Site is %s, then the request succeeds', async (site) => {
    const { res } = await call(endpoint, { ...XHR, 'Sec-Fetch-Site': site, Origin: 'http://localhost:5173' });
    expect(res.status).toBe(SUCCESS[endpoint]);
  });
});

describe('web app and API on different sites', () => {
  it('when the web app on localhost calls the API as 127.0.0.1 from a listed origin, then csrf_rejected says they must be same-site and to use localhost for both', async () => {
    const user = await registerUser(api.app);
    const res = await request(api.app)
      .post('/auth/login')
      .set({ ...XHR, Host: '127.0.0.1:3000', Origin: 'http://localhost:5173', 'Sec-Fetch-Site': 'cross-site' })
      .send({ email: user.email, password: PASSWORD });
    expectCsrfRejected(res);
    expect(res.body.detail).toContain('The web app and the API must be same-site');
    expect(res.body.detail).toContain('use localhost for both');
  });
});

describe('same-origin deployment behind a TLS proxy', () => {
  it("when TRUST_PROXY is set and the proxy says https, then the https origin of the Host is the API's own", async () => {
    const proxied = await createTestApi({ TRUST_PROXY: '1', AUTH_RATE_LIMIT: '100000' });
    const user = await registerUser(proxied.app);
    const login = (headers: Record<string, string>) =>
      request(proxied.app)
        .post('/auth/login')
        .set({ ...XHR, Host: 'auth.example', ...headers })
        .send({ email: user.email, password: PASSWORD });
    await login({ Origin: 'https://auth.example', 'X-Forwarded-Proto': 'https' }).expect(200);
    expectCsrfRejected(await login({ Origin: 'https://auth.example.evil', 'X-Forwarded-Proto': 'https' }));
  });

  it('when no proxy is trusted, then X-Forwarded-Proto cannot change what the own origin is', async () => {
    const user = await registerUser(api.app);
    const res = await request(api.app)
      .post('/auth/login')
      .set({ ...XHR, Host: 'auth.example', Origin: 'https://auth.example', 'X-Forwarded-Proto': 'https' })
      .send({ email: user.email, password: PASSWORD });
    expectCsrfRejected(res);
  });
});

describe('CORS', () => {
  const preflight = (origin: string, app = api.app, path = '/auth/login') =>
    request(app)
      .options(path)
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-requested-with,authorization');

  it.each(['http://localhost:5173', 'http://localhost:4173'])(
    'when %s sends a preflight, then it is answered for exactly that origin, with credentials and the needed headers',
    async (origin) => {
      const res = await preflight(origin).expect(204);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      const allowed = String(res.headers['access-control-allow-headers'])
        .split(',')
        .map((h) => h.trim().toLowerCase());
      expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-requested-with']));
      expect(String(res.headers['access-control-allow-methods'])).toMatch(/POST/);
      expect(String(res.headers.vary)).toMatch(/Origin/i);
    },
  );

  it('when a listed origin makes a real request, then the response carries its origin and exposes the rate-limit headers', async () => {
    const res = await request(api.app).get('/healthz').set('Origin', 'http://localhost:5173').expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(String(res.headers['access-control-expose-headers'])).toMatch(/Retry-After/);
    expect(String(res.headers['access-control-expose-headers'])).toMatch(/WWW-Authenticate/);
  });

  it('when a listed origin gets an error, then the error response is readable to it too', async () => {
    const res = await request(api.app).post('/auth/login').set('Origin', 'http://localhost:5173').send({}).expect(403);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  it.each([
    'https://evil.example',
    'http://localhost:51730',
    'http://evil.localhost:5173',
    'http://localhost:5173/',
    'https://localhost:5173',
    'http://localhost',
    'null',
  ])('when the unlisted origin %s sends a preflight or a request, then no Access-Control-Allow-Origin comes back', async (origin) => {
    const pre = await preflight(origin);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const res = await request(api.app).get('/healthz').set('Origin', origin).expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('when any request comes, then Access-Control-Allow-Origin is never *', async () => {
    const responses = [
      await preflight('http://localhost:5173'),
      await preflight('https://evil.example'),
      await request(api.app).get('/healthz'),
      await request(api.app).get('/.well-known/jwks.json').set('Origin', 'https://evil.example'),
    ];
    for (const res of responses) expect(res.headers['access-control-allow-origin']).not.toBe('*');
  });

  it('when CORS_ORIGINS is configured, then only those origins get CORS and pass the origin check', async () => {
    const custom = await createTestApi({ CORS_ORIGINS: 'https://app.example' });
    const ok = await preflight('https://app.example', custom.app).expect(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    const old = await preflight('http://localhost:5173', custom.app);
    expect(old.headers['access-control-allow-origin']).toBeUndefined();

    const user = await registerUser(custom.app);
    const login = (origin: string) =>
      request(custom.app).post('/auth/login').set(XHR).set('Origin', origin).send({ email: user.email, password: PASSWORD });
    await login('https://app.example').expect(200);
    expectCsrfRejected(await login('http://localhost:5173'));
  });

  it("when CORS_ORIGINS is none, then the local development origins get no CORS and only the API's own origin passes", async () => {
    const none = await createTestApi({ CORS_ORIGINS: 'none', AUTH_RATE_LIMIT: '100000' });
    for (const origin of ['http://localhost:5173', 'http://localhost:4173']) {
      expect((await preflight(origin, none.app)).headers['access-control-allow-origin']).toBeUndefined();
    }
    const user = await registerUser(none.app);
    const login = (origin: string) =>
      request(none.app)
        .post('/auth/login')
        .set({ ...XHR, Host: 'app.example', Origin: origin })
        .send({ email: user.email, password: PASSWORD });
    expectCsrfRejected(await login('http://localhost:5173'));
    await login('http://app.example').expect(200);
  });

  it('when CORS_ORIGINS lists several origins, then each is honoured on its own', async () => {
    const custom = await createTestApi({ CORS_ORIGINS: 'https://a.example, https://b.example:8443' });
    for (const origin of ['https://a.example', 'https://b.example:8443']) {
      const res = await preflight(origin, custom.app).expect(204);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
    }
    expect((await preflight('https://b.example', custom.app)).headers['access-control-allow-origin']).toBeUndefined();
  });
});
