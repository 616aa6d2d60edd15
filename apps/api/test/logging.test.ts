import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AppDeps, createApp } from '../src/app.ts';
import { bearer, createTestApi, memoryLogger, refreshCookieOf, uniqueEmail, XHR } from './support.ts';

/** The real app on the real database, its pino logger writing into memory instead of stdout. */
async function createLoggedApp(extend?: AppDeps['extend']) {
  const { logger, text } = memoryLogger();
  const { deps } = await createTestApi({ LOG_LEVEL: 'info' });
  const app = createApp({ ...deps, logger, ...(extend ? { extend } : {}) });
  return { app, text };
}

/** The parts of a request log line these tests read. */
type LogLine = {
  req?: { method: string; url: string; headers: Record<string, string | undefined> };
  res?: { statusCode: number };
};

function setCookieValues(res: request.Response): string[] {
  const lines = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  return lines.map((line) => line.split(';', 1)[0]?.split('=').slice(1).join('=') ?? '').filter(Boolean);
}

describe('request logs', () => {
  let logs: string;
  let lines: LogLine[];
  const secrets: string[] = [];
  const password = 'first-password-Ω-123';
  const newPassword = 'second-password-Ω-456';

  beforeAll(async () => {
    const { app, text } = await createLoggedApp();
    const email = uniqueEmail('logged');
    secrets.push(password, newPassword);

    const registered = await request(app).post('/auth/register').set(XHR).send({ email, password, name: 'Logged' }).expect(201);
    const loggedIn = await request(app).post('/auth/login').set(XHR).send({ email, password }).expect(200);
    const cookie = refreshCookieOf(loggedIn) as string;
    const refreshed = await request(app).post('/auth/refresh').set(XHR).set('Cookie', `refresh_token=${cookie}`).expect(200);
    const accessToken = refreshed.body.accessToken as string;
    await request(app).get('/api/me').set(bearer(accessToken)).expect(200);
    await request(app).put('/api/me/password').set(bearer(accessToken)).send({ currentPassword: password, newPassword }).expect(204);
    // Failures carry secrets too: a wrong password, a malformed body and a rejected token.
    await request(app)
      .post('/auth/login')
      .set(XHR)
      .send({ email, password: `${password}-wrong` })
      .expect(401);
    await request(app)
      .post('/auth/login')
      .set(XHR)
      .type('application/json')
      .send(`{"email":"${email}","password":"${newPassword}"`)
      .expect(400);
    await request(app)
      .get('/api/me')
      .set(bearer(`${registered.body.accessToken}x`))
      .expect(401);

    for (const res of [registered, loggedIn, refreshed]) {
      secrets.push(res.body.accessToken, ...setCookieValues(res));
    }
    secrets.push(cookie, `${password}-wrong`);
    logs = text();
    lines = logs
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogLine);
  });

  it('when the session flow runs, then every request is logged as one JSON line with method, url and statusCode', () => {
    const seen = lines.filter((line) => line.req && line.res).map((line) => `${line.req?.method} ${line.req?.url} ${line.res?.statusCode}`);
    expect(seen).toEqual([
      'POST /auth/register 201',
      'POST /auth/login 200',
      'POST /auth/refresh 200',
      'GET /api/me 200',
      'PUT /api/me/password 204',
      'POST /auth/login 401',
      'POST /auth/login 400',
      'GET /api/me 401',
    ]);
    expect(logs).toContain('"url":"/auth/login"');
    expect(logs).toContain('"statusCode":200');
  });

  it('when the session flow runs, then no access token, refresh token, password or Set-Cookie value is in the logs', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(9);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      expect(logs).not.toContain(secret);
    }
    // Parts of a token are secret enough: the signature and the refresh verifier.
    for (const secret of secrets.filter((s) => s.includes('.'))) {
      expect(logs).not.toContain(secret.split('.').at(-1));
    }
    expect(logs).not.toMatch(/refresh_token=[A-Za-z0-9_-]/);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
    expect(logs).not.toMatch(/set-cookie/i);
  });

  it('when a request carried Authorization or Cookie, then the header is logged as redacted', () => {
    const me = lines.find((line) => line.req?.url === '/api/me');
    expect(me?.req?.headers.authorization).toBe('[redacted]');
    const refreshLine = lines.find((line) => line.req?.url === '/auth/refresh');
    expect(refreshLine?.req?.headers.cookie).toBe('[redacted]');
  });

  it('when a response is logged, then only its status is kept, not its headers', () => {
    const responses = lines.filter((l) => l.res);
    expect(responses).toHaveLength(8);
    for (const line of responses) expect(Object.keys(line.res ?? {})).toEqual(['statusCode']);
  });
});

describe('query strings in the logs', () => {
  it('when a token is sent in the query string, then it is refused and no part of the query reaches the logs', async () => {
    const { app, text } = await createLoggedApp();
    const registered = await request(app)
      .post('/auth/register')
      .set(XHR)
      .send({ email: uniqueEmail('query'), password: 'query-password-123', name: 'Query' })
      .expect(201);
    const token = registered.body.accessToken as string;
    await request(app).get(`/api/me?access_token=${token}`).expect(401);
    // As a bare name, and among other parameters: names are not safe either.
    await request(app).get(`/api/me?${token}`).expect(401);
    await request(app).get(`/api/sessions?page=2&access_token=${token}&sort=created`).expect(401);
    await request(app).get(`/nope?code=one-time-code-secret-value`).expect(404);

    const logs = text();
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(token.split('.').at(-1));
    expect(logs).not.toContain('access_token');
    expect(logs).not.toContain('one-time-code-secret-value');
    const lines = logs
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogLine & { req?: { query?: unknown } });
    const urls = lines.filter((line) => line.res && line.req?.method === 'GET').map((line) => line.req?.url);
    expect(urls).toEqual(['/api/me?[redacted]', '/api/me?[redacted]', '/api/sessions?[redacted]', '/nope?[redacted]']);
    for (const line of lines) expect(line.req).not.toHaveProperty('query');
  });

  it('when the Referer carries the page query, then the header is logged without it', async () => {
    const { app, text } = await createLoggedApp();
    await request(app).get('/api/me').set('Referer', 'https://app.example/reset?token=referer-secret-token-value#section').expect(401);
    expect(text()).not.toContain('referer-secret-token-value');
    const line = JSON.parse(text().trim().split('\n').at(-1) as string) as LogLine;
    expect(line.req?.headers.referer).toBe('https://app.example/reset?[redacted]');
  });

  it('when a request that fails unexpectedly carried a query, then the error line has the path and not the query', async () => {
    const { app, text } = await createLoggedApp((routes) => {
      routes.get('/boom', () => {
        throw new Error('kaboom with a query');
      });
    });
    await request(app).get('/boom?access_token=query-secret-in-error-line').expect(500);
    const lines = text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogLine & { msg: string; req?: { query?: unknown } });
    const error = lines.find((line) => line.msg === 'unexpected error');
    expect(error?.req?.url).toBe('/boom?[redacted]');
    expect(error?.req).not.toHaveProperty('query');
    expect(text()).not.toContain('query-secret-in-error-line');
  });
});

describe('health checks in the logs', () => {
  it('when /healthz is polled, then it leaves no log line, while /readyz does', async () => {
    const { app, text } = await createLoggedApp();
    await request(app).get('/healthz').expect(200);
    await request(app).get('/readyz').expect(200);
    expect(text()).not.toContain('/healthz');
    expect(text()).toContain('"url":"/readyz"');
  });
});

describe('unexpected errors in the logs', () => {
  it('when a route throws, then the error is logged once with its stack and the request (secrets redacted), and the answer says nothing of it', async () => {
    const { app, text } = await createLoggedApp((routes) => {
      routes.get('/boom', () => {
        throw new Error('kaboom in a route');
      });
    });
    const res = await request(app).get('/boom').set('Authorization', 'Bearer not-a-real-secret-but-long').expect(500);
    expect(res.body).toMatchObject({ code: 'internal_error', status: 500 });
    expect(JSON.stringify(res.body)).not.toContain('kaboom');

    const lines = text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogLine & { level: number; msg: string; err?: { stack: string } });
    const errors = lines.filter((line) => line.msg === 'unexpected error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.level).toBe(50);
    expect(errors[0]?.err?.stack).toContain('kaboom in a route');
    expect(errors[0]?.req?.url).toBe('/boom');
    expect(errors[0]?.req?.headers.authorization).toBe('[redacted]');
    const requestLine = lines.find((line) => line.msg === 'request completed');
    expect(requestLine?.res?.statusCode).toBe(500);
    expect(text()).not.toContain('not-a-real-secret-but-long');
  });
});

describe('dropped requests in the logs', () => {
  it('when the client drops the connection before the answer, then the request is logged once as aborted', async () => {
    let arrived: () => void = () => {};
    let closed: () => void = () => {};
    const hasArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const hasClosed = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const { app, text } = await createLoggedApp((routes) => {
      // Never answers: the client gives up first.
      routes.get('/slow', (_req, res) => {
        res.on('close', closed);
        arrived();
      });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const request = http.get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`);
      request.on('error', () => {});
      await hasArrived;
      request.destroy();
      await hasClosed;
      const lines = text()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as LogLine & { msg: string });
      expect(lines.filter((line) => line.req?.url === '/slow').map((line) => line.msg)).toEqual(['request aborted']);
    } finally {
      server.close();
    }
  });
});
