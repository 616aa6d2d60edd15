import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_USERS } from '@spa-auth/contract/demo';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrationNames } from '../src/adapters/postgres/migrate.ts';
import { DEV_KEY_FILE } from '../src/auth/dev-key.ts';
import { PASSWORD, uniqueEmail, XHR } from './support.ts';

const API_DIR = path.resolve(import.meta.dirname, '..');
const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

type Started = { url: string; child: ChildProcess; output: () => string };

/** Runs the real entry point, `node src/main.ts`, with only the given environment. */
function run(env: Record<string, string>, cwd = API_DIR) {
  const child = spawn(process.execPath, [path.join(API_DIR, 'src/main.ts')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    out += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

async function start(env: Record<string, string>, cwd?: string): Promise<Started> {
  const { child, exited, output } = run(env, cwd);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output());
      if (match) {
        clearInterval(timer);
        resolve(match[1] as string);
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`API exited with ${code} before listening:\n${output()}`));
    });
  });
  return { url, child, output };
}

async function stop(api: Started): Promise<{ code: number | null; ms: number }> {
  const begun = Date.now();
  const code = await new Promise<number | null>((resolve) => {
    api.child.once('exit', (c) => resolve(c));
    api.child.kill('SIGTERM');
  });
  running.delete(api.child);
  return { code, ms: Date.now() - begun };
}

const post = (url: string, body?: unknown, cookie?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { ...XHR, ...(body ? { 'Content-Type': 'application/json' } : {}), ...(cookie ? { Cookie: cookie } : {}) },
    body: body ? JSON.stringify(body) : null,
  });
const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .find((c) => c.startsWith('refresh_token='))
    ?.split(';', 1)[0] as string;

describe('start-up and shutdown of node src/main.ts', () => {
  it('when a variable is invalid, then the process exits non-zero with one line naming it', async () => {
    const { exited, output } = run({ ACCESS_TOKEN_TTL: 'whenever', DATA_DIR: 'memory://' });
    expect(await exited).not.toBe(0);
    expect(output().trim().split('\n')).toHaveLength(1);
    expect(output()).toContain('ACCESS_TOKEN_TTL');
  });

  it('when production has no JWT_PRIVATE_KEY, then it refuses to start; a bad key is named and never printed', async () => {
    const missing = run({ NODE_ENV: 'production', DATA_DIR: 'memory://' });
    expect(await missing.exited).not.toBe(0);
    expect(missing.output()).toContain('JWT_PRIVATE_KEY is required');
    const secret = `-----BEGIN PRIVATE KEY-----\n${randomBytes(48).toString('base64')}\n-----END PRIVATE KEY-----`;
    const bad = run({ NODE_ENV: 'production', DATA_DIR: 'memory://', JWT_PRIVATE_KEY: secret });
    expect(await bad.exited).not.toBe(0);
    expect(bad.output()).toContain('JWT_PRIVATE_KEY');
    expect(bad.output()).not.toContain(secret.split('\n')[1]);
  });

  it('when the API restarts on the same DATA_DIR, then users, sessions and the signing key survive, and SIGTERM exits 0', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'spa-auth-restart-'));
    try {
      const first = await start({ DATA_DIR: dataDir });
      const email = uniqueEmail();
      const registered = await post(`${first.url}/auth/register`, { email, password: PASSWORD, name: 'Restart' });
      expect(registered.status).toBe(201);
      const { accessToken } = (await registered.json()) as { accessToken: string };
      const cookie = cookieOf(registered);
      const stopped = await stop(first);
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(10_000);
      expect((await stat(path.join(dataDir, DEV_KEY_FILE))).mode & 0o777).toBe(0o600);

      const second = await start({ DATA_DIR: dataDir });
      const me = await fetch(`${second.url}/api/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
      expect(me.status).toBe(200);
      expect((await post(`${second.url}/auth/refresh`, undefined, cookie)).status).toBe(200);
      expect((await post(`${second.url}/auth/login`, { email, password: PASSWORD })).status).toBe(200);
      expect((await post(`${second.url}/auth/login`, { email: DEMO_USERS.user.email, password: DEMO_USERS.user.password })).status).toBe(
        200,
      );
      expect((await stop(second)).code).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
    // A first start on disk runs initdb: about 4 s on an idle machine, 12 s on a busy one.
  }, 60_000);

  it('when DATA_DIR is memory:// and SEED_DEMO_USERS is false, then nothing is written to disk and there are no demo users', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'spa-auth-memory-'));
    try {
      const api = await start({ DATA_DIR: 'memory://', SEED_DEMO_USERS: 'false' }, cwd);
      expect((await post(`${api.url}/auth/login`, { email: DEMO_USERS.user.email, password: DEMO_USERS.user.password })).status).toBe(401);
      expect((await post(`${api.url}/auth/register`, { email: uniqueEmail(), password: PASSWORD, name: 'Memory' })).status).toBe(201);
      expect((await stop(api)).code).toBe(0);
      expect(await readdir(cwd)).toEqual([]);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }, 60_000);

  it('when two instances start at once on an empty PostgreSQL database, then it is migrated once and both serve', async () => {
    const serverUrl = inject('postgresUrl');
    expect(serverUrl, 'this test needs PostgreSQL').toBeTruthy();
    const name = `spa_auth_boot_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl as string });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(serverUrl as string);
    url.pathname = `/${name}`;
    try {
      const env = { DATABASE_URL: url.toString(), DATA_DIR: 'memory://', SEED_DEMO_USERS: 'true' };
      const [a, b] = await Promise.all([start(env), start(env)]);
      for (const api of [a, b]) {
        expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
        expect((await post(`${api.url}/auth/login`, { email: DEMO_USERS.admin.email, password: DEMO_USERS.admin.password })).status).toBe(
          200,
        );
      }
      const db = new pg.Client({ connectionString: url.toString() });
      await db.connect();
      const { rows } = await db.query('SELECT name FROM schema_migrations');
      const users = await db.query("SELECT count(*)::int AS n FROM users WHERE email LIKE '%@example.com'");
      await db.end();
      expect(rows).toEqual((await migrationNames()).map((name) => ({ name })));
      expect(users.rows[0].n).toBe(2);
      await Promise.all([stop(a), stop(b)]);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
