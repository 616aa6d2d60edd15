import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openPostgresDatabase } from '../src/adapters/postgres/database.ts';
import { createApp } from '../src/app.ts';
import type { AccessTokens } from '../src/auth/access-tokens.ts';
import { bearer, createTestApi, expectProblem, PASSWORD, registerUser, type TestApi, uniqueEmail, XHR } from './support.ts';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});

/** What must hold for every error response of requirement 3, whatever went wrong. */

async function usersTableCount(): Promise<number> {
  const { rows } = await api.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return rows[0]?.n ?? -1;
}

const register = (body: unknown) =>
  request(api.app)
    .post('/auth/register')
    .set(XHR)
    .send(body as object);
const login = (body: unknown) =>
  request(api.app)
    .post('/auth/login')
    .set(XHR)
    .send(body as object);
const raw = (path: string, body: string) => request(api.app).post(path).set(XHR).type('application/json').send(body);

describe('malformed and non-object JSON', () => {
  it.each([
    ['a truncated object', '{"email": "a@example.test", '],
    ['single quotes', "{'email': 'a@example.test'}"],
    ['a trailing comma', '{"email": "a@example.test",}'],
    ['a JSON string', '"hello"'],
    ['a JSON number', '5'],
    ['JSON null', 'null'],
    ['JSON true', 'true'],
  ])('when the register body is %s, then 400 malformed_json', async (_label, body) => {
    expectProblem(await raw('/auth/register', body), 400, 'malformed_json');
  });

  it('when the login body is malformed JSON, then 400 malformed_json and no failed-login is counted as a 500', async () => {
    expectProblem(await raw('/auth/login', '{"email":'), 400, 'malformed_json');
  });

  it('when PATCH /api/me gets malformed JSON, then 400 malformed_json', async () => {
    const user = await registerUser(api.app);
    const res = await request(api.app).patch('/api/me').set(bearer(user.accessToken)).type('application/json').send('{name: x}');
    expectProblem(res, 400, 'malformed_json');
  });

  it('when the body is a JSON array, then 400 validation_failed rather than a crash', async () => {
    expectProblem(await raw('/auth/register', '[1,2,3]'), 400, 'validation_failed');
    expectProblem(await raw('/auth/login', '[]'), 400, 'validation_failed');
  });

  it('when the JSON body is empty, then 400 validation_failed listing the required fields', async () => {
    const problem = expectProblem(await raw('/auth/register', ''), 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['email', 'name', 'password']);
  });
});

describe('validation', () => {
  it('when every field has the wrong type, then 400 validation_failed naming each field', async () => {
    const problem = expectProblem(await register({ email: 5, password: [], name: {} }), 400, 'validation_failed');
    expect([...new Set(problem.errors?.map((e) => e.path))].sort()).toEqual(['email', 'name', 'password']);
    expect(problem.errors?.find((e) => e.path === 'password')?.message).toMatch(/string/);
    for (const error of problem.errors ?? []) expect(error.message).not.toBe('');
  });

  it('when login fields have the wrong type, then 400 validation_failed naming each field', async () => {
    const problem = expectProblem(await login({ email: true, password: 12345678901234 }), 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['email', 'password']);
  });

  it('when fields are missing, then 400 validation_failed naming exactly the missing ones', async () => {
    const problem = expectProblem(await register({ email: uniqueEmail() }), 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['name', 'password']);
    const loginProblem = expectProblem(await login({ password: PASSWORD }), 400, 'validation_failed');
    expect(loginProblem.errors?.map((e) => e.path)).toEqual(['email']);
  });

  it('when register smuggles role: admin, then the body is refused and no account is made', async () => {
    const email = uniqueEmail();
    const problem = expectProblem(await register({ email, password: PASSWORD, name: 'Mallory', role: 'admin' }), 400, 'validation_failed');
    // README: problems with the body as a whole (unknown fields among them) have path "".
    expect(problem.errors).toEqual([{ path: '', message: 'unknown field(s): role' }]);
    const { rows } = await api.db.query('SELECT 1 FROM users WHERE email = $1', [email]);
    expect(rows).toEqual([]);
  });

  it('when register carries a __proto__ key with role admin, then 400 and no admin is made', async () => {
    const email = uniqueEmail();
    const body = `{"email":"${email}","password":"${PASSWORD}","name":"Proto","__proto__":{"role":"admin"}}`;
    expectProblem(await raw('/auth/register', body), 400, 'validation_failed');
    const { rows } = await api.db.query('SELECT role FROM users WHERE email = $1', [email]);
    expect(rows).toEqual([]);
  });

  it('when login or PATCH /api/me carry unknown fields, then 400 validation_failed', async () => {
    const user = await registerUser(api.app);
    expectProblem(await login({ email: user.email, password: PASSWORD, remember: true }), 400, 'validation_failed');
    const res = await request(api.app).patch('/api/me').set(bearer(user.accessToken)).send({ name: 'New', role: 'admin' });
    const problem = expectProblem(res, 400, 'validation_failed');
    expect(problem.errors?.some((e) => e.message.includes('role'))).toBe(true);
    const me = await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(200);
    expect(me.body.user).toMatchObject({ name: 'Test User', role: 'user' });
  });

  it.each([11, 129])('when the password has %i characters, then register refuses it with validation_failed on password', async (length) => {
    const email = uniqueEmail();
    const problem = expectProblem(await register({ email, password: 'p'.repeat(length), name: 'Len' }), 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.path)).toEqual(['password']);
    expect(JSON.stringify(problem)).not.toContain('p'.repeat(length));
  });

  it.each([12, 128])('when the password has %i characters, then register accepts it and login works with it', async (length) => {
    const email = uniqueEmail();
    const password = 'p'.repeat(length);
    await register({ email, password, name: 'Len' }).expect(201);
    await login({ email, password }).expect(200);
  });

  it('when the new password is 11 characters, then PUT /api/me/password refuses it and the old one still works', async () => {
    const user = await registerUser(api.app);
    const res = await request(api.app)
      .put('/api/me/password')
      .set(bearer(user.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'x'.repeat(11) });
    const problem = expectProblem(res, 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.path)).toEqual(['newPassword']);
    await login({ email: user.email, password: PASSWORD }).expect(200);
  });

  it('when the email is very long, then 400 validation_failed, not a database error', async () => {
    const long = `${'a'.repeat(250)}@example.test`;
    const problem = expectProblem(await register({ email: long, password: PASSWORD, name: 'Long' }), 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.path)).toEqual(['email']);
    expectProblem(await login({ email: `${'b'.repeat(15_000)}@example.test`, password: PASSWORD }), 400, 'validation_failed');
  });

  it('when the name is over 100 characters or only spaces, then 400 validation_failed on name', async () => {
    for (const name of ['n'.repeat(101), '   ']) {
      const problem = expectProblem(await register({ email: uniqueEmail(), password: PASSWORD, name }), 400, 'validation_failed');
      expect(problem.errors?.map((e) => e.path)).toEqual(['name']);
    }
  });

  it('when the name is in other scripts and has emoji, then it is stored and returned exactly', async () => {
    const name = 'Zoë Ñúñez 山田太郎 Ελένη 🚀';
    const user = await registerUser(api.app, { name });
    expect(user.user.name).toBe(name);
    const me = await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(200);
    expect(me.body.user.name).toBe(name);
    const renamed = 'Łukasz Żółć — דוד';
    const patched = await request(api.app).patch('/api/me').set(bearer(user.accessToken)).send({ name: renamed }).expect(200);
    expect(patched.body.user.name).toBe(renamed);
    const { rows } = await api.db.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [user.user.id]);
    expect(rows[0]?.name).toBe(renamed);
  });
});

describe('body size', () => {
  const bodyOfSize = (bytes: number) => {
    const prefix = '{"email":"size@example.test","password":"correct-horse-battery","name":"';
    const suffix = '"}';
    return `${prefix}${'n'.repeat(bytes - prefix.length - suffix.length)}${suffix}`;
  };

  // serialize(identity) sends the bytes as they are; superagent would otherwise JSON-encode the Buffer.
  const gzipped = (bytes: Buffer) =>
    request(api.app)
      .post('/auth/register')
      .set(XHR)
      .set('Content-Encoding', 'gzip')
      .type('application/json')
      .serialize((data) => data)
      .send(bytes);

  it('when the body is just over 16 KiB, then 413 payload_too_large on register, login and PATCH /api/me', async () => {
    const body = bodyOfSize(16 * 1024 + 1);
    expect(Buffer.byteLength(body)).toBe(16 * 1024 + 1);
    expectProblem(await raw('/auth/register', body), 413, 'payload_too_large');
    expectProblem(await raw('/auth/login', body), 413, 'payload_too_large');
    const user = await registerUser(api.app);
    const res = await request(api.app).patch('/api/me').set(bearer(user.accessToken)).type('application/json').send(body);
    expectProblem(res, 413, 'payload_too_large');
  });

  it('when the body is far over 16 KiB, then 413 payload_too_large', async () => {
    expectProblem(await raw('/auth/register', bodyOfSize(1024 * 1024)), 413, 'payload_too_large');
  });

  it('when a small gzip body inflates to over 16 KiB, then 413 payload_too_large (no zip bomb)', async () => {
    const bomb = gzipSync(Buffer.from(bodyOfSize(1024 * 1024)));
    expect(bomb.length).toBeLessThan(16 * 1024);
    expectProblem(await gzipped(bomb), 413, 'payload_too_large');
  });

  it('when a gzip body inflates to a valid small body, then it is accepted', async () => {
    const email = uniqueEmail();
    await gzipped(gzipSync(JSON.stringify({ email, password: PASSWORD, name: 'Zipped' }))).expect(201);
  });

  it('when the body says gzip but is not, then 400 malformed_json rather than a 500', async () => {
    expectProblem(await gzipped(Buffer.from('{"email":"not-gzip@example.test"}')), 400, 'malformed_json');
    const truncated = gzipSync(JSON.stringify({ email: uniqueEmail(), password: PASSWORD, name: 'Cut' })).subarray(0, 20);
    expectProblem(await gzipped(truncated), 400, 'malformed_json');
  });

  it('when the body uses an unknown Content-Encoding, then 415 unsupported_media_type', async () => {
    const res = await request(api.app)
      .post('/auth/register')
      .set(XHR)
      .set('Content-Encoding', 'x-unknown')
      .type('application/json')
      .send('{}');
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('when the body is exactly 16 KiB, then it is parsed and judged on its fields', async () => {
    const problem = expectProblem(await raw('/auth/register', bodyOfSize(16 * 1024)), 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.path)).toEqual(['name']);
  });
});

describe('content type', () => {
  const json = JSON.stringify({ email: 'ct@example.test', password: PASSWORD, name: 'Ct' });

  it.each(['/auth/register', '/auth/login'])(
    'when %s gets text/plain, form-urlencoded or no Content-Type, then 415 unsupported_media_type',
    async (path) => {
      expectProblem(await request(api.app).post(path).set(XHR).type('text/plain').send(json), 415, 'unsupported_media_type');
      expectProblem(
        await request(api.app).post(path).set(XHR).type('form').send('email=ct%40example.test&password=x&name=y'),
        415,
        'unsupported_media_type',
      );
      expectProblem(await request(api.app).post(path).set(XHR).send(Buffer.from(json)), 415, 'unsupported_media_type');
      expectProblem(await request(api.app).post(path).set(XHR), 415, 'unsupported_media_type');
      expectProblem(
        await request(api.app).post(path).set(XHR).type('multipart/form-data; boundary=x').send('--x--'),
        415,
        'unsupported_media_type',
      );
    },
  );

  it('when PATCH /api/me gets a non-JSON body, then 415 and the name is unchanged', async () => {
    const user = await registerUser(api.app);
    const patch = () => request(api.app).patch('/api/me').set(bearer(user.accessToken));
    expectProblem(await patch().type('text/plain').send('{"name":"Plain"}'), 415, 'unsupported_media_type');
    expectProblem(await patch().type('form').send('name=Form'), 415, 'unsupported_media_type');
    expectProblem(await patch().send(Buffer.from('{"name":"None"}')), 415, 'unsupported_media_type');
    const me = await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(200);
    expect(me.body.user.name).toBe('Test User');
  });

  it('when the JSON is declared with a charset or as application/*+json, then it is accepted', async () => {
    const email = uniqueEmail();
    const body = JSON.stringify({ email, password: PASSWORD, name: 'Charset' });
    await request(api.app).post('/auth/register').set(XHR).type('application/json; charset=utf-8').send(body).expect(201);
    await request(api.app)
      .post('/auth/login')
      .set(XHR)
      .type('application/merge-patch+json')
      .send(JSON.stringify({ email, password: PASSWORD }))
      .expect(200);
  });

  it('when the JSON declares a charset other than UTF-8, then 415 unsupported_media_type', async () => {
    const res = await request(api.app).post('/auth/register').set(XHR).type('application/json; charset=klingon').send(json);
    expectProblem(res, 415, 'unsupported_media_type');
  });
});

describe('unknown routes', () => {
  it('when GET or POST goes to a route that does not exist, then 404 not_found as problem+json', async () => {
    expectProblem(await request(api.app).get('/nope'), 404, 'not_found');
    expectProblem(await request(api.app).post('/nope').send({ a: 1 }), 404, 'not_found');
    expectProblem(await request(api.app).post('/auth/nope').set(XHR).send({}), 404, 'not_found');
    expectProblem(await request(api.app).get('/auth/login/extra'), 404, 'not_found');
    const user = await registerUser(api.app);
    expectProblem(await request(api.app).get('/api/nope').set(bearer(user.accessToken)), 404, 'not_found');
    expectProblem(await request(api.app).get('/api/sessions/one/two').set(bearer(user.accessToken)), 404, 'not_found');
  });

  it('when the path carries odd characters, then still a clean 404', async () => {
    expectProblem(await request(api.app).get('/%E0%A4%A'), 404, 'not_found');
    expectProblem(await request(api.app).get(`/${'x'.repeat(4000)}`), 404, 'not_found');
    expectProblem(await request(api.app).get("/users' OR 1=1 --"), 404, 'not_found');
  });
});

describe('a known path with the wrong method', () => {
  function expectNotAllowed(res: request.Response, allow: string) {
    expectProblem(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe(allow);
  }

  it('when /auth endpoints get a method they do not answer, then 405 method_not_allowed with Allow: POST', async () => {
    expectNotAllowed(await request(api.app).delete('/auth/login').set(XHR), 'POST');
    expectNotAllowed(await request(api.app).get('/auth/login'), 'POST');
    expectNotAllowed(await request(api.app).get('/auth/refresh'), 'POST');
    expectNotAllowed(await request(api.app).put('/auth/register').set(XHR).send({}), 'POST');
    expectNotAllowed(await request(api.app).get('/auth/logout/'), 'POST');
  });

  it('when GET-only public paths get a POST, then 405 with Allow: GET, HEAD', async () => {
    expectNotAllowed(await request(api.app).post('/healthz'), 'GET, HEAD');
    expectNotAllowed(await request(api.app).delete('/.well-known/jwks.json'), 'GET, HEAD');
  });

  it('when POST /api/me comes with a valid token, then 405 listing the methods /api/me answers', async () => {
    const user = await registerUser(api.app);
    expectNotAllowed(await request(api.app).post('/api/me').set(bearer(user.accessToken)), 'DELETE, GET, HEAD, PATCH');
    expectNotAllowed(await request(api.app).get('/api/me/password').set(bearer(user.accessToken)), 'PUT');
  });

  it('when a wrong method reaches a protected path without a token, then 401 token_missing first, as for an unknown /api path', async () => {
    const res = await request(api.app).post('/api/me');
    expectProblem(res, 401, 'token_missing');
    expect(res.headers.allow).toBeUndefined();
  });

  it('when a path with a parameter gets the wrong method, then 405 with the methods of every route that path matches', async () => {
    const user = await registerUser(api.app);
    expectNotAllowed(await request(api.app).get(`/api/sessions/${randomUUID()}`).set(bearer(user.accessToken)), 'DELETE');
    // /sessions/revoke-others is also a value of /sessions/:id.
    expectNotAllowed(await request(api.app).get('/api/sessions/revoke-others').set(bearer(user.accessToken)), 'DELETE, POST');
  });

  it('when a route is added through extend, then a wrong method on it is 405 as well, with no list to update', async () => {
    const app = createApp({
      ...api.deps,
      extend: (routes, { requireAuth }) => {
        routes.put('/widgets/:id', requireAuth, (_req, res) => {
          res.status(204).end();
        });
      },
    });
    expectNotAllowed(await request(app).get('/widgets/7'), 'PUT');
    expectProblem(await request(app).get('/widgets'), 404, 'not_found');
  });

  it('when HEAD asks for a GET route, then it is answered as before, and HEAD on a POST route is 405', async () => {
    const head = await request(api.app).head('/healthz');
    expect(head.status).toBe(200);
    const refused = await request(api.app).head('/auth/login');
    expect(refused.status).toBe(405);
    expect(refused.headers.allow).toBe('POST');
  });

  it('when a CORS preflight asks for a path, then cors answers it before any 405', async () => {
    const res = await request(api.app)
      .options('/auth/login')
      .set('Origin', 'http://localhost:5173')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type, x-requested-with');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
  });
});

describe('caching of errors', () => {
  it('when the answer is an error of any kind, then it carries Cache-Control: no-store', async () => {
    const user = await registerUser(api.app);
    const answers: [number, request.Response][] = [
      [404, await request(api.app).get('/nope')],
      [401, await request(api.app).get('/api/me')],
      [400, await raw('/auth/login', '{"email":')],
      [415, await request(api.app).post('/auth/login').set(XHR).type('text/plain').send('x')],
      [405, await request(api.app).get('/auth/refresh')],
      [405, await request(api.app).post('/api/me').set(bearer(user.accessToken))],
      [413, await raw('/auth/register', `{"name":"${'n'.repeat(17 * 1024)}"}`)],
      [403, await request(api.app).post('/auth/login').send({})],
    ];
    for (const [status, res] of answers) {
      expect(res.status).toBe(status);
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('when a rate limit answers 429, then it carries Cache-Control: no-store', async () => {
    const limited = await createTestApi({ AUTH_RATE_LIMIT: '1' });
    await request(limited.app).post('/auth/nope').set(XHR).send({}).expect(404);
    const res = await request(limited.app).post('/auth/nope').set(XHR).send({});
    expectProblem(res, 429, 'rate_limited');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('when a route fails unexpectedly, then the 500 carries Cache-Control: no-store', async () => {
    const app = createApp({
      ...api.deps,
      extend: (routes) => {
        routes.get('/boom', () => {
          throw new Error('boom');
        });
      },
    });
    const res = await request(app).get('/boom');
    expectProblem(res, 500, 'internal_error');
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('SQL-looking input', () => {
  const nasty = ["' OR 1=1 --", '"; DROP TABLE users; --', "admin'--", "'; SELECT pg_sleep(10); --"];

  it.each(nasty)('when %s is sent as the email, then 400, never 500, and the users table is still there', async (text) => {
    const before = await usersTableCount();
    expectProblem(await login({ email: text, password: PASSWORD }), 400, 'validation_failed');
    expectProblem(await register({ email: text, password: PASSWORD, name: 'X' }), 400, 'validation_failed');
    expect(await usersTableCount()).toBe(before);
  });

  it('when an email is valid but full of quotes, then login is a plain 401 invalid_credentials', async () => {
    const res = await login({ email: "o'reilly'--@example.test", password: "' OR '1'='1' --" });
    expectProblem(res, 401, 'invalid_credentials');
    expect(await usersTableCount()).toBeGreaterThan(0);
  });

  it.each(nasty)(
    'when %s is the password of a known user, then 401 invalid_credentials and the real password still works',
    async (text) => {
      const user = await registerUser(api.app);
      expectProblem(await login({ email: user.email, password: text }), 401, 'invalid_credentials');
      await login({ email: user.email, password: PASSWORD }).expect(200);
    },
  );

  it('when SQL is the name and the password, then the account is made with those exact strings and nothing else happens', async () => {
    const name = '"; DROP TABLE users; --';
    const password = "' OR 1=1 -- padding";
    const user = await registerUser(api.app, { name, password });
    expect(user.user.name).toBe(name);
    await login({ email: user.email, password }).expect(200);
    expectProblem(await login({ email: user.email, password: "' OR 1=1 --" }), 401, 'invalid_credentials');
    const { rows } = await api.db.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [user.user.id]);
    expect(rows[0]?.name).toBe(name);
    expect(await usersTableCount()).toBeGreaterThan(0);
  });
});

describe('database unreachable', () => {
  let down: Database;
  let downApp: ReturnType<typeof createApp>;
  let sign: AccessTokens;

  beforeAll(async () => {
    // Port 1 has no listener: every connection is refused at once.
    down = openPostgresDatabase('postgres://postgres@127.0.0.1:1/x', { max: 2 });
    downApp = createApp({
      ...(await createTestApi({}, { db: down })).deps,
      // The app's own signer, to make a valid token for a database that cannot be reached.
      extend: (_routes, { tokens }) => {
        sign = tokens;
      },
    });
  });
  afterAll(async () => {
    await down.close();
  });

  it('when the database cannot be reached, then /readyz is 503 service_unavailable and /healthz stays 200', async () => {
    expectProblem(await request(downApp).get('/readyz'), 503, 'service_unavailable');
    const health = await request(downApp).get('/healthz').expect(200);
    expect(health.body).toEqual({ status: 'ok' });
  });

  it('when the database cannot be reached, then register, login and refresh answer 503 service_unavailable with Retry-After', async () => {
    const responses = [
      await request(downApp).post('/auth/register').set(XHR).send({ email: uniqueEmail(), password: PASSWORD, name: 'Down' }),
      await request(downApp).post('/auth/login').set(XHR).send({ email: uniqueEmail(), password: PASSWORD }),
      await request(downApp)
        .post('/auth/refresh')
        .set(XHR)
        .set('Cookie', `refresh_token=${'a'.repeat(22)}.${'b'.repeat(43)}`),
    ];
    for (const res of responses) {
      const problem = expectProblem(res, 503, 'service_unavailable');
      expect(problem.detail).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('when the database cannot be reached, then a protected route with a valid token answers 503, not 401 or 500', async () => {
    const { token } = sign.signAccessToken({ userId: randomUUID(), sessionId: randomUUID(), role: 'user' });
    expectProblem(await request(downApp).get('/api/me').set(bearer(token)), 503, 'service_unavailable');
  });

  it('when the database cannot be reached, then logout still does not fail with a 500', async () => {
    const res = await request(downApp)
      .post('/auth/logout')
      .set(XHR)
      .set('Cookie', `refresh_token=${'a'.repeat(22)}.${'b'.repeat(43)}`);
    expectProblem(res, 503, 'service_unavailable');
  });
});
