import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { CSRF_HEADER, Problem, type Scope } from '@spa-auth/contract';
import { type CaughtMail, linkIn, type MailCatcher, startMailCatcher } from '@spa-auth/mail-catcher';
import type { Express } from 'express';
import { Secret, TOTP } from 'otpauth';
import request from 'supertest';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { type Database, openEmbeddedDatabase, openPostgresDatabase } from '../src/adapters/postgres/database.ts';
import { createPostgresStorage } from '../src/adapters/postgres/index.ts';
import { migrate } from '../src/adapters/postgres/migrate.ts';
import { type AppDeps, createApp, type Storage } from '../src/app.ts';
import { createKeySet, type KeySet } from '../src/auth/keys.ts';
import { createPasswords } from '../src/auth/passwords.ts';
import type { SessionStore } from '../src/auth/session-store.ts';
import { bootstrap } from '../src/bootstrap.ts';
import { createManualClock } from '../src/clock.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { UserRecord, UserStore } from '../src/users/users.ts';
import { checkingResponses } from './openapi-responses.ts';

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
  storage: Storage;
  db: Database;
  keys: KeySet;
};

/**
 * The settings every API test starts from (development defaults, no file on disk, no log output,
 * no demo users), with a test's own variables on top, through the real config parser.
 */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', DATA_DIR: 'memory://', LOG_LEVEL: 'silent', SEED_DEMO_USERS: 'false', ...env });
}

/**
 * The real app on a real database with a manual clock, configured through the real config parser.
 * The clock starts at the wall-clock time so that headers computed by libraries from Date.now()
 * (cookie Expires, RateLimit reset) stay sensible.
 */
export async function createTestApi(
  env: Record<string, string> = {},
  options: { db?: Database; keys?: KeySet; clock?: TestApi['clock'] } = {},
): Promise<TestApi> {
  const config = testConfig(env);
  const db = options.db ?? (await sharedEmbeddedDatabase());
  const storage = createPostgresStorage(db);
  // Another instance of the same API (a restart, a key rotation) shares its clock: on a clock of
  // its own, set when it was made, the first one's tokens would look issued in the future to it.
  const clock = options.clock ?? createManualClock(Math.floor(Date.now() / 1000) * 1000);
  const keys = options.keys ?? testKeys();
  const { app, deps } = await bootstrap(config, {
    storage,
    clock,
    logger: createLogger(config.logLevel),
    keys,
    passwords: createPasswords(),
  });
  // Every response is checked against the OpenAPI document (openapi-responses.ts, openapi-setup.ts).
  return { app: checkingResponses(app), deps, clock, config, storage, db, keys };
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

/** A user stored straight through the users port, for the ports' contracts whose rows need an owner. */
export async function storedUser(users: UserStore, now: Date, label = 'user'): Promise<UserRecord> {
  const user = await users.createUser({
    id: randomUUID(),
    email: uniqueEmail(label),
    name: 'Store Test',
    role: 'user',
    passwordHash: 'h',
    now,
  });
  if (!user) throw new Error('the user was not stored');
  return user;
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

/** A fresh account made admin in the database, then signed in again so its access token says so. */
export async function registerAdmin(api: Pick<TestApi, 'app' | 'db'>) {
  const admin = await registerUser(api.app);
  await api.db.query("UPDATE users SET role = 'admin' WHERE id = $1", [admin.user.id]);
  const session = await request(api.app).post('/auth/login').set(XHR).send({ email: admin.email, password: PASSWORD }).expect(200);
  return { ...admin, accessToken: session.body.accessToken as string };
}

/** A service client made by a fresh admin with a verified address (POST /api/admin/service-clients), and that admin. */
export async function createServiceClient(api: Pick<TestApi, 'app' | 'db'>, name = 'notes') {
  const admin = await registerAdmin(api);
  await api.db.query('UPDATE users SET email_verified_at = now() WHERE id = $1', [admin.user.id]);
  const made = await request(api.app).post('/api/admin/service-clients').set(bearer(admin.accessToken)).send({ name }).expect(201);
  return { admin, client: { clientId: made.body.client.id as string, clientSecret: made.body.clientSecret as string } };
}

/** A service token of the client: the client credentials grant (POST /oauth/token). */
export async function serviceTokenOf(app: Express, client: { clientId: string; clientSecret: string }): Promise<string> {
  const grant = await request(app)
    .post('/oauth/token')
    .auth(client.clientId, client.clientSecret)
    .type('form')
    .send('grant_type=client_credentials')
    .expect(200);
  return grant.body.access_token as string;
}

export function refresh(app: Express, cookie: string | undefined) {
  const req = request(app).post('/auth/refresh').set(XHR);
  return cookie === undefined ? req : req.set('Cookie', `refresh_token=${cookie}`);
}

/** A key every test API shares, as MFA_ENCRYPTION_KEY would be in a deployment: one API reads what another sealed. */
export const TEST_MFA_KEY = Buffer.alloc(32, 7).toString('base64');

/** The code an authenticator app shows for `secret` (base32) at `ms`, as the test's own otpauth computes it. */
export const totpCodeAt = (secret: string, ms: number) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: ms });

/** One step of an authenticator app's codes. */
export const TOTP_STEP_MS = 30_000;

/**
 * A confirmed authenticator app for the signed-in user: its secret and the recovery codes shown.
 * The clock is moved one step on, past the confirming code's, so the next code is a new one.
 */
export async function enrolTotp(api: Pick<TestApi, 'app' | 'clock'>, accessToken: string) {
  const started = await request(api.app).post('/api/me/totp').set(bearer(accessToken)).expect(201);
  const secret = started.body.secret as string;
  const confirmed = await request(api.app)
    .post('/api/me/totp/confirm')
    .set(bearer(accessToken))
    .send({ code: totpCodeAt(secret, api.clock.now()) })
    .expect(200);
  api.clock.advance(TOTP_STEP_MS);
  return { secret, recoveryCodes: confirmed.body.recoveryCodes as string[] };
}

export const login = (api: Pick<TestApi, 'app'>, email: string, password = PASSWORD) =>
  request(api.app).post('/auth/login').set(XHR).send({ email, password });

export const reauthenticate = (api: Pick<TestApi, 'app'>, accessToken: string, body: Record<string, unknown>) =>
  request(api.app).post('/auth/reauthenticate').set(XHR).set(bearer(accessToken)).send(body);

/** An API token of the signed-in person's (POST /api/tokens): its id and its secret. */
export async function createApiToken(
  app: Express,
  accessToken: string,
  options: { name?: string; scopes?: readonly Scope[]; expiresInDays?: number } = {},
) {
  const body = { name: options.name ?? 'script', scopes: options.scopes ?? ['profile:read'], expiresInDays: options.expiresInDays ?? 30 };
  const res = await request(app).post('/api/tokens').set(bearer(accessToken)).send(body).expect(201);
  return { id: res.body.token.id as string, secret: res.body.secret as string, body: res.body };
}

/** A pino logger writing into memory instead of stdout, and the text it has written. */
export function memoryLogger(level = 'info') {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { logger: createLogger(level, sink), text: () => chunks.join('') };
}

export function bearer(token: string) {
  return { Authorization: `Bearer ${token}` };
}

/** The test app again, over the same real store, counting the refresh tokens looked up in it. */
export function withCountedRefreshLookups(api: TestApi): { app: Express; lookups: () => number } {
  let lookups = 0;
  const sessions: SessionStore = {
    ...api.storage.sessions,
    findRefreshTokens: (selectors) => {
      lookups += selectors.length;
      return api.storage.sessions.findRefreshTokens(selectors);
    },
  };
  return { app: createApp({ ...api.deps, storage: { ...api.storage, sessions } }), lookups: () => lookups };
}

/** A problem+json answer with this status and code: the contract's shape, no member empty (RFC 9457). */
export function expectProblem(res: request.Response, status: number, code: string): Problem {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = Problem.parse(res.body);
  expect(problem).toMatchObject({ status, code });
  expect(problem.type).not.toBe('');
  expect(problem.title).not.toBe('');
  expect(problem.detail).not.toBe('');
  return problem;
}

/** The claims of an access token, unverified (the tests read what the API put in). */
export function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * A real SMTP server on a random port for this file's tests, started before them and stopped
 * after; the API sends to it when created with `{ SMTP_URL: catcher.smtpUrl }`.
 */
export function useMailCatcher(): { current(): MailCatcher } {
  let catcher: MailCatcher | undefined;
  beforeAll(async () => {
    catcher = await startMailCatcher();
  });
  afterAll(async () => {
    await catcher?.stop();
  });
  return {
    current() {
      if (!catcher) throw new Error('the mail catcher starts in beforeAll');
      return catcher;
    },
  };
}

/** Waits until the app's background work and the mail it queued are done: then every message is sent. */
export async function mailSettled(api: TestApi): Promise<void> {
  await api.deps.background?.settled();
  await api.deps.outbox?.idle();
}

/** The user's security activity as `{ type, detail }`, newest first, once the work that records it is done. */
export async function activityOf(api: TestApi, accessToken: string): Promise<Array<{ type: string; detail: string | null }>> {
  await mailSettled(api);
  const { body } = await request(api.app).get('/api/me/activity').set(bearer(accessToken)).expect(200);
  return body.events.map((event: { type: string; detail: string | null }) => ({ type: event.type, detail: event.detail }));
}

/** A reset link asked for `email`, taken from the mail and used to set `newPassword`: the answer of the confirm. */
export async function resetPasswordThroughMail(api: TestApi, catcher: MailCatcher, email: string, newPassword: string) {
  await request(api.app).post('/auth/password-reset').set(XHR).send({ email }).expect(202);
  const link = await catcher.nextMessage((m) => m.to.includes(email) && /Reset your password/.test(m.subject));
  return request(api.app)
    .post('/auth/password-reset/confirm')
    .set(XHR)
    .send({ token: linkTokenIn(link, '/reset-password'), newPassword });
}

/** The web app's URL the tests' APIs put in their links. */
export const TEST_APP_URL = 'https://app.example.test';

/** The real app sending to `catcher`, its links pointing at TEST_APP_URL. */
export function createMailingTestApi(catcher: MailCatcher, env: Record<string, string>, options: { db?: Database } = {}): Promise<TestApi> {
  return createTestApi({ SMTP_URL: catcher.smtpUrl, APP_URL: TEST_APP_URL, ...env }, options);
}

/**
 * The token of a message's link to `path` of the web app, checking that it travels in the fragment
 * (never sent to a server, so never in its logs or a Referer) and nowhere else in the URL.
 */
export function linkTokenIn(message: CaughtMail, path: string): string {
  const url = new URL(linkIn(message));
  expect(`${url.origin}${url.pathname}`).toBe(`${TEST_APP_URL}${path}`);
  expect(url.search).toBe('');
  return new URLSearchParams(url.hash.slice(1)).get('token') as string;
}

/** Resolves with the server's http://127.0.0.1:<port> once it listens on an ephemeral port. */
export async function listening(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export type RunningApi = { api: TestApi; url: string };

/**
 * The real API (createTestApi: the real app and config parser, a manual clock) listening on a port
 * for this file's tests, on this run's PostgreSQL database, or on PGlite when the run opted out.
 */
export function useRunningApi(env: Record<string, string> = {}): () => RunningApi {
  let running: RunningApi | undefined;
  let server: Server | undefined;
  let postgres: Database | null = null;
  beforeAll(async () => {
    postgres = await openTestPostgres();
    const api = await createTestApi(env, postgres ? { db: postgres } : {});
    server = api.app.listen(0, '127.0.0.1');
    running = { api, url: await listening(server) };
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await running?.api.deps.background?.settled();
    await postgres?.close();
  });
  return () => {
    if (!running) throw new Error('the API starts in beforeAll');
    return running;
  };
}
