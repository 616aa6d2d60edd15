import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { CSRF_HEADER } from '@spa-auth/contract';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, inject } from 'vitest';
import { type AppDeps, createApp } from '../src/app.ts';
import { createKeySet, type KeySet } from '../src/auth/keys.ts';
import { createPasswords } from '../src/auth/passwords.ts';
import { createManualClock } from '../src/clock.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { type Database, openEmbeddedDatabase, openPostgresDatabase } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { createSqlStore, type Store } from '../src/store/store.ts';

let embedded: Promise<Database> | undefined;

/** One migrated PGlite per test file (a fresh one costs seconds of initdb); tests isolate by user. */
export function sharedEmbeddedDatabase(): Promise<Database> {
  embedded ??= openEmbeddedDatabase('memory://').then(async (db) => {
    await migrate(db);
    return db;
  });
  return embedded;
}

/** A pool on this run's throwaway PostgreSQL database, or null when the run opted out of PostgreSQL. */
export async function openTestPostgres(): Promise<Database | null> {
  const url = inject('postgresUrl');
  if (!url) return null;
  const db = openPostgresDatabase(url, { max: 20 });
  await migrate(db);
  return db;
}

/**
 * Every real database of this run, for `describe.each`: the embedded PGlite always, PostgreSQL
 * unless the run opted out. Registers the hooks that warm PGlite (initdb takes seconds,
 * more under load, so it is paid in a hook rather than inside a test's time limit) and close the pool.
 */
export async function realBackends(): Promise<[string, () => Promise<Database>][]> {
  const postgres = await openTestPostgres();
  beforeAll(async () => {
    await sharedEmbeddedDatabase();
  });
  afterAll(async () => {
    await postgres?.close();
  });
  const backends: [string, () => Promise<Database>][] = [['embedded PGlite', sharedEmbeddedDatabase]];
  if (postgres) backends.push(['PostgreSQL', async () => postgres]);
  return backends;
}

let sharedKey: KeySet | undefined;
export function testKeys(): KeySet {
  sharedKey ??= createKeySet(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  return sharedKey;
}

export type TestApi = {
  app: Express;
  /** What the app was built from, to build a variant of it. */
  deps: AppDeps;
  clock: ReturnType<typeof createManualClock>;
  config: Config;
  store: Store;
  db: Database;
  keys: KeySet;
};

/**
 * The real app on a real database with a manual clock, configured through the real config parser.
 * The clock starts at the wall-clock time so that headers computed by libraries from Date.now()
 * (cookie Expires, RateLimit reset) stay sensible.
 */
export async function createTestApi(env: Record<string, string> = {}, options: { db?: Database } = {}): Promise<TestApi> {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: 'memory://', LOG_LEVEL: 'silent', ...env });
  const db = options.db ?? (await sharedEmbeddedDatabase());
  const store = createSqlStore(db);
  const clock = createManualClock(Math.floor(Date.now() / 1000) * 1000);
  const keys = testKeys();
  const deps = { config, store, clock, logger: createLogger('silent'), keys, passwords: createPasswords() };
  return { app: createApp(deps), deps, clock, config, store, db, keys };
}

/** Headers a browser page of an allowed origin sends on the cookie endpoints. */
export const XHR = { [CSRF_HEADER.name]: CSRF_HEADER.value };

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomUUID()}@example.test`;
}

export const PASSWORD = 'correct-horse-battery';

/** The refresh_token value from a response's Set-Cookie, or undefined. */
export function refreshCookieOf(res: request.Response): string | undefined {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  const line = header?.find((c) => c.startsWith('refresh_token='));
  const value = line?.slice('refresh_token='.length).split(';', 1)[0];
  return value || undefined;
}

export function setCookieLine(res: request.Response): string | undefined {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  return header?.find((c) => c.startsWith('refresh_token='));
}

/** Registers a fresh user; returns the session body and the refresh cookie value. */
export async function registerUser(app: Express, overrides: { email?: string; password?: string; name?: string } = {}) {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? PASSWORD;
  const res = await request(app)
    .post('/auth/register')
    .set(XHR)
    .send({ email, password, name: overrides.name ?? 'Test User' })
    .expect(201);
  return { email, password, accessToken: res.body.accessToken as string, user: res.body.user, refresh: refreshCookieOf(res) as string };
}

export function refresh(app: Express, cookie: string | undefined) {
  const req = request(app).post('/auth/refresh').set(XHR);
  return cookie === undefined ? req : req.set('Cookie', `refresh_token=${cookie}`);
}

export function bearer(token: string) {
  return { Authorization: `Bearer ${token}` };
}

/** The test app again, over the same real store, counting the refresh-token lookups that reach it. */
export function withCountedRefreshLookups(api: TestApi): { app: Express; lookups: () => number } {
  let lookups = 0;
  const store: Store = {
    ...api.store,
    findRefreshToken: (selector) => {
      lookups++;
      return api.store.findRefreshToken(selector);
    },
  };
  return { app: createApp({ ...api.deps, store }), lookups: () => lookups };
}
