// npm run bench [-- --json]: measures the API side by side with the naive way.
// Starts everything it needs (two API children, a throwaway PostgreSQL database), stops it all
// by itself, and never compares figures from different runs: every ratio is taken within one run.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import pg from 'pg';
import { createApiClient } from '../packages/http-client/src/index.ts';
import { CLIENT_KINDS, type ClientComparison, measureClientComparison, SCENARIOS } from './compare.ts';
import {
  buildWeb,
  LIGHTHOUSE_GOALS,
  type LighthouseFigure,
  measureLighthouse,
  type PageFigure,
  pageGoalsMet,
  showScores,
} from './lighthouse.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
// The API phases' budget. Three minutes left the token-cache run (about a minute at 3,500 req/s)
// short of its 200,000 requests by a few seconds on this machine's slow afternoons.
const DEADLINE_MS = 210_000;
// Lighthouse comes after the API phases, with a budget of its own: a build, two pages, eight runs.
const LIGHTHOUSE_BUDGET_MS = 150_000;
// Then the compare page's clients in Chromium, before Lighthouse and on the same build: 4 clients x
// 4 scenarios x 5 runs, each run but the revoked ones waiting two or three seconds for a real expiry,
// one client after the other.
const COMPARE_BUDGET_MS = 420_000;
const PASSWORD = 'bench-password-1';
const XHR = { 'X-Requested-With': 'XMLHttpRequest' };
const asJson = process.argv.includes('--json');
// `--only <pattern>`: run only the phases whose name matches this regular expression (the set-up of each
// database still runs): `--only resource`, or `--only 'login|sessions|resource'` for the full set of tokens.
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex === -1 ? undefined : process.argv[onlyIndex + 1];
const startedAt = Date.now();

type Results = {
  protectedVsPublic: number | null;
  naiveVsPublic: number | null;
  /** A protected /api route called with 1,000 distinct API tokens, as a ratio of /healthz. */
  patVsPublic: number | null;
  /**
   * The notes service (apps/notes, the resource-server kit: the API's JWK Set and introspection)
   * answering GET /notes with 1,000 access tokens, as a ratio of its own /healthz.
   */
  resourceServerVsPublic: number | null;
  /** From revoking an API token on one instance to another instance (no Redis, under API-token load) refusing it. */
  patRevocationMs: number | null;
  refreshPerSecond: { postgres: number | null; embedded: number | null };
  refreshErrors: number | null;
  loginPerSecond: number | null;
  loginEventLoopP99Ms: number | null;
  passwordFloodVictimLoginMs: number | null;
  healthzFloodVictimLoginMs: number | null;
  refreshStorm: { requests: 100; refreshCalls: number; failures: number } | null;
  spaInitialJsGzipKb: number | null;
  /** The same weight for bench/stack-floor: React, React Router and axios, no app code. */
  spaStackFloorGzipKb: number | null;
  tokenCacheRssGrowthMb: number | null;
  /** Lighthouse's default: a mid-range phone on slow 4G, simulated (bench/lighthouse.ts). */
  lighthouse: LighthouseFigure | null;
  lighthouseDesktop: LighthouseFigure | null;
  /**
   * The compare page in Chromium (bench/compare.ts): per client and scenario, over five runs, the
   * median refreshes sent and calls failed, and the runs that lost the session.
   */
  clientComparison: ClientComparison | null;
};

const results: Results = {
  protectedVsPublic: null,
  naiveVsPublic: null,
  patVsPublic: null,
  resourceServerVsPublic: null,
  patRevocationMs: null,
  refreshPerSecond: { postgres: null, embedded: null },
  refreshErrors: null,
  loginPerSecond: null,
  loginEventLoopP99Ms: null,
  passwordFloodVictimLoginMs: null,
  healthzFloodVictimLoginMs: null,
  refreshStorm: null,
  spaInitialJsGzipKb: null,
  spaStackFloorGzipKb: null,
  tokenCacheRssGrowthMb: null,
  lighthouse: null,
  lighthouseDesktop: null,
  clientComparison: null,
};
/** Raw figures behind the ratios, for the table only. */
const detail: Record<string, string> = {};

const log = (message: string) => process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(3)}s] ${message}\n`);
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

// ---- cleanup: every child and the database go away, whatever happens

const children = new Set<ChildProcess>();
const stops = new Set<() => Promise<unknown>>();
let databaseName: string | undefined;

async function cleanUp(): Promise<void> {
  await Promise.all([...children].map(stopChild));
  await Promise.all([...stops].map((stop) => stop().catch(() => {})));
  if (databaseName) {
    const name = databaseName;
    databaseName = undefined;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    try {
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } catch (error) {
      log(`could not drop database ${name}: ${(error as Error).message}`);
    } finally {
      await admin.end().catch(() => {});
    }
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const watchdog = setTimeout(
  () => {
    log(`over ${(DEADLINE_MS + COMPARE_BUDGET_MS + LIGHTHOUSE_BUDGET_MS) / 1000} s: stopping`);
    void cleanUp().finally(() => {
      removeBuild();
      process.exit(2);
    });
  },
  DEADLINE_MS + COMPARE_BUDGET_MS + LIGHTHOUSE_BUDGET_MS,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(
    signal,
    () =>
      void cleanUp().finally(() => {
        removeBuild();
        process.exit(130);
      }),
  );
}

// ---- the API child

type Api = { url: string; child: ChildProcess };

async function startApi(env: Record<string, string>): Promise<Api> {
  const child = spawn(process.execPath, ['--expose-gc', path.join(ROOT, 'bench/server.ts')], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'development',
      ACCESS_TOKEN_TTL: '1h',
      AUTH_RATE_LIMIT: '100000000',
      LOGIN_MAX_FAILURES: '1000000',
      REFRESH_RATE_LIMIT: '100000000',
      API_TOKEN_RATE_LIMIT: '100000000',
      REAUTH_MAX_AGE: '1h',
      ...env,
    },
  });
  children.add(child);
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the API exited before listening (code ${code})`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

type Stats = { rssBytes: number; eventLoopP99Ms: number; gcExposed: boolean };
async function stats(api: Api, query = ''): Promise<Stats> {
  return (await fetch(`${api.url}/bench/stats${query}`)).json() as Promise<Stats>;
}

// ---- sessions through the real API

type Session = { email: string; accessToken: string; cookie: string };

// The login and refresh loops share the machine with the API. node:http on keep-alive connections
// costs this process about half the CPU per request that fetch does (docs/performance.md), and
// what the load generator does not burn is left to the API and its database.
const agent = new http.Agent({ keepAlive: true });
type Answer = { status: number; setCookie: string[]; body: string };

function post(api: Api, route: string, headers: Record<string, string>, body?: string, method = 'POST'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${api.url}${route}`, { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [], body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function refreshCookieOf(answer: Answer): string {
  const line = answer.setCookie.find((c) => c.startsWith('refresh_token='));
  return line?.slice('refresh_token='.length).split(';', 1)[0] ?? '';
}

const accessTokenOf = (answer: Answer) => (JSON.parse(answer.body) as { accessToken?: string }).accessToken;

function postJson(api: Api, route: string, body: unknown): Promise<Answer> {
  return post(api, route, { ...XHR, 'Content-Type': 'application/json' }, JSON.stringify(body));
}

const postRefresh = (api: Api, cookie: string) => post(api, '/auth/refresh', { ...XHR, Cookie: `refresh_token=${cookie}` });

async function register(api: Api, label: string): Promise<Session> {
  const email = `${label}-${randomBytes(6).toString('hex')}@bench.test`;
  const res = await postJson(api, '/auth/register', { email, password: PASSWORD, name: 'Bench User' });
  const accessToken = res.status === 201 ? accessTokenOf(res) : undefined;
  if (!accessToken) throw new Error(`register answered ${res.status}`);
  return { email, accessToken, cookie: refreshCookieOf(res) };
}

async function registerMany(api: Api, count: number): Promise<Session[]> {
  const sessions: Session[] = [];
  await inParallel(10, count, async (i) => {
    sessions.push(await register(api, `user${i}`));
  });
  return sessions;
}

async function inParallel(concurrency: number, count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** `loops` concurrent login loops until `until` (or until `limit` logins); returns the tokens issued. */
async function loginLoops(api: Api, emails: string[], loops: number, until: number, limit = Number.POSITIVE_INFINITY) {
  const tokens: string[] = [];
  let failures = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (Date.now() < until && tokens.length + failures < limit) {
        const email = emails[next++ % emails.length] as string;
        const res = await postJson(api, '/auth/login', { email, password: PASSWORD });
        const accessToken = res.status === 200 ? accessTokenOf(res) : undefined;
        if (accessToken) tokens.push(accessToken);
        else failures++;
      }
    }),
  );
  return { tokens, failures };
}

// ---- measurements

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number;

/**
 * `count` kept-alive connections to the API that send one burst of requests at a time: each request
 * is written whole in one call, and an answer is read only for its status line and `Content-Length`.
 * The bursts below are the load, not what is measured, and they share the two cores with the API:
 * through node:http, which builds, parses and tracks every request and answer, a burst cost this
 * process 36 ms of CPU, against 14 ms this way, and the victim's login waited for it (docs/performance.md).
 */
async function openBurst(api: Api, count: number) {
  const { hostname, port } = new URL(api.url);
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect({ host: hostname, port: Number(port), noDelay: true }, () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  /** Sends `request(i)` on connection i, all at once; resolves with the status of each answer. */
  const send = (request: (i: number) => string) =>
    Promise.all(
      sockets.map(
        (socket, i) =>
          new Promise<number>((resolve, reject) => {
            let received = Buffer.alloc(0);
            const onData = (chunk: Buffer) => {
              received = Buffer.concat([received, chunk]);
              const headEnd = received.indexOf('\r\n\r\n');
              if (headEnd === -1) return;
              const head = received.subarray(0, headEnd).toString('latin1');
              const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
              if (length === undefined) return fail(new Error(`an answer without Content-Length: ${head.split('\r\n', 1)[0]}`));
              if (received.length < headEnd + 4 + Number(length)) return;
              socket.off('data', onData).off('error', fail);
              resolve(Number(head.slice(9, 12)));
            };
            const fail = (error: Error) => {
              socket.off('data', onData).off('error', fail);
              reject(error);
            };
            socket.on('data', onData).on('error', fail);
            socket.write(request(i));
          }),
      ),
    );
  const close = () => {
    for (const socket of sockets) socket.destroy();
  };
  return { send, close };
}

type Burst = Awaited<ReturnType<typeof openBurst>>;

/** The victim's login latency during one burst (`request(i)` on each of the burst's connections), and how the burst was answered. */
async function loginDuringBurst(
  api: Api,
  victim: Session,
  burst: Burst,
  request: (i: number) => string,
): Promise<{ latency: number; statuses: number[] }> {
  const flood = burst.send(request);
  const start = performance.now();
  const res = await postJson(api, '/auth/login', { email: victim.email, password: PASSWORD });
  if (res.status !== 200) throw new Error(`the victim's login answered ${res.status}`);
  const latency = performance.now() - start;
  return { latency, statuses: await flood };
}

/**
 * One account sends 300 wrong passwords to PUT /api/me/password at once while another user signs
 * in; 100 such bursts, and the p95 of that user's logins. Without a bound, every wrong password
 * queues an argon2 hash in front of everyone's sign-in (a 400-request burst once made a login take
 * 3.6 s instead of 12 ms). For comparison, the same bursts of GET /healthz, the cheapest request
 * there is: what 300 requests at once cost a login on this machine whatever they ask for.
 *
 * The two kinds of burst alternate, so that both meet the machine at the same speed (it drifts by
 * tens of percent within seconds here), after one burst of each that is not counted: the first burst
 * of a run meets code not yet compiled; when the flood's bursts all came first, its first ones cost
 * the victim 199 and 331 ms in two runs, against 50 to 90 ms for most bursts after them.
 */
async function passwordFlood(api: Api, victim: Session, attacker: Session): Promise<void> {
  const statuses: Record<number, number> = {};
  const alone: number[] = [];
  for (let i = 0; i < 30; i++) alone.push(await loginsAlone(api, victim));
  const host = new URL(api.url).host;
  const wrongPassword = (burst: number) => (i: number) => {
    const body = JSON.stringify({ currentPassword: `wrong-guess-${burst}-${i}`, newPassword: 'flooded-new-password-1' });
    return [
      'PUT /api/me/password HTTP/1.1',
      `Host: ${host}`,
      `Authorization: Bearer ${attacker.accessToken}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  };
  const healthz = () => `GET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
  const burst = await openBurst(api, 300);
  try {
    await loginDuringBurst(api, victim, burst, wrongPassword(-1));
    await loginDuringBurst(api, victim, burst, healthz);
    const flooded: number[] = [];
    const control: number[] = [];
    for (let round = 0; round < 100; round++) {
      const flood = await loginDuringBurst(api, victim, burst, wrongPassword(round));
      flooded.push(flood.latency);
      for (const status of flood.statuses) statuses[status] = (statuses[status] ?? 0) + 1;
      const calm = await loginDuringBurst(api, victim, burst, healthz);
      if (calm.statuses.some((status) => status !== 200)) throw new Error('GET /healthz failed during a burst');
      control.push(calm.latency);
    }
    if (statuses[204]) throw new Error('a wrong password changed the password');
    results.passwordFloodVictimLoginMs = round(percentile(flooded, 0.95), 1);
    results.healthzFloodVictimLoginMs = round(percentile(control, 0.95), 1);
    detail.flood = `median ${round(percentile(flooded, 0.5), 1)}; flood answered ${Object.entries(statuses)
      .map(([status, n]) => `${n} x ${status}`)
      .join(', ')}; login alone p95 ${round(percentile(alone, 0.95), 1)}`;
  } finally {
    burst.close();
  }
}

async function loginsAlone(api: Api, victim: Session): Promise<number> {
  const start = performance.now();
  const res = await postJson(api, '/auth/login', { email: victim.email, password: PASSWORD });
  if (res.status !== 200) throw new Error(`the victim's login answered ${res.status}`);
  return performance.now() - start;
}

/** 50 sessions refreshing concurrently for `ms`, each following its own rotated cookie. */
async function refreshRun(api: Api, sessions: Session[], ms: number): Promise<{ perSecond: number; errors: number }> {
  let ok = 0;
  let errors = 0;
  const start = Date.now();
  const until = start + ms;
  await Promise.all(
    sessions.map(async (session) => {
      let cookie = session.cookie;
      while (Date.now() < until) {
        const res = await postRefresh(api, cookie);
        const next = refreshCookieOf(res);
        if (res.status === 200 && next) {
          ok++;
          cookie = next;
        } else {
          errors++;
          // A refused cookie is dead: this session is over, asking again would only count the same error.
          if (res.status === 401) return;
        }
      }
    }),
  );
  return { perSecond: ok / ((Date.now() - start) / 1000), errors };
}

/** `count` new access tokens from refreshes of `sessions`; each session's cookie follows the rotation. */
async function refreshTokens(api: Api, sessions: Session[], count: number): Promise<string[]> {
  const tokens: string[] = [];
  await Promise.all(
    sessions.map(async (session) => {
      while (tokens.length < count) {
        const res = await postRefresh(api, session.cookie);
        const accessToken = res.status === 200 ? accessTokenOf(res) : undefined;
        if (!accessToken) throw new Error(`refresh answered ${res.status}`);
        session.cookie = refreshCookieOf(res);
        tokens.push(accessToken);
      }
    }),
  );
  return tokens.slice(0, count);
}

type Load = { reqPerSec: number; total: number; non2xx: number; errors: number };

/** autocannon in this process; every request carries the next token of `tokens`, public route included. */
async function load(
  api: Api,
  route: string,
  tokens: string[],
  options: { seconds?: number; amount?: number; stopAt?: number },
): Promise<Load> {
  let next = 0;
  // Without a callback autocannon returns its instance, which is also a promise of the result.
  const tracker = autocannon({
    url: api.url,
    connections: 50,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 3 }),
    requests: [
      {
        method: 'GET',
        path: route,
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` } }),
      },
    ],
  }) as unknown as Promise<autocannon.Result> & { stop(): void };
  const stop = options.stopAt ? setTimeout(() => tracker.stop(), Math.max(0, options.stopAt - Date.now())) : undefined;
  const result = await tracker;
  clearTimeout(stop);
  return { reqPerSec: result.requests.average, total: result.requests.total, non2xx: result.non2xx, errors: result.errors };
}

/**
 * Requests per second on each route, after a 1 s pass per route to warm the JIT, the caches and the
 * connections: 3 runs, each of which takes the routes in order and then in reverse (A B C C B A),
 * 1 s each, and gives each route the mean of its two passes. The machine's speed drifts by tens of
 * percent within seconds here, and a route measured only after another would carry the drift into
 * their ratio; run order mirrored within a run cancels a steady drift. The phase takes as long as
 * three runs of 2 s per route one after the other did, which the bench's budget for the API phases
 * counts on. Any non-2xx answer fails the phase.
 */
async function ratioRuns<R extends string>(api: Api, routes: readonly R[], tokens: string[]): Promise<Record<R, number>[]> {
  for (const route of routes) await load(api, route, tokens, { seconds: 1 });
  const runs: Record<R, number>[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const run = {} as Record<R, number>;
    for (const route of [...routes, ...[...routes].reverse()]) {
      const r = await load(api, route, tokens, { seconds: 1 });
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${route}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
      run[route] = (run[route] ?? 0) + r.reqPerSec / 2;
    }
    log(`  run ${rep + 1}: ${routes.map((route) => `${route} ${run[route].toFixed(0)}/s`).join(', ')}`);
    runs.push(run);
  }
  return runs;
}

async function protectedVsPublic(api: Api, tokens: string[]): Promise<void> {
  const runs = await ratioRuns(api, ['/healthz', '/bench/protected', '/bench/naive'], tokens);
  results.protectedVsPublic = round(median(runs.map((r) => r['/bench/protected'] / r['/healthz'])), 2);
  results.naiveVsPublic = round(median(runs.map((r) => r['/bench/naive'] / r['/healthz'])), 2);
  detail.healthz = `${median(runs.map((r) => r['/healthz'])).toFixed(0)} req/s`;
  detail.protected = `${median(runs.map((r) => r['/bench/protected'])).toFixed(0)} req/s`;
  detail.naive = `${median(runs.map((r) => r['/bench/naive'])).toFixed(0)} req/s`;
}

type ApiToken = { id: string; secret: string; owner: Session };

/** `count` API tokens spread over the sessions (50 at most per account), made through POST /api/tokens. */
async function createApiTokens(api: Api, sessions: Session[], count: number): Promise<ApiToken[]> {
  const made: ApiToken[] = [];
  await inParallel(10, count, async (i) => {
    const owner = sessions[i % sessions.length] as Session;
    const headers = { Authorization: `Bearer ${owner.accessToken}`, 'Content-Type': 'application/json' };
    const res = await post(api, '/api/tokens', headers, JSON.stringify({ name: `bench ${i}`, scopes: ['profile:read'], expiresInDays: 7 }));
    if (res.status !== 201) throw new Error(`POST /api/tokens answered ${res.status}: ${res.body}`);
    const body = JSON.parse(res.body) as { token: { id: string }; secret: string };
    made.push({ id: body.token.id, secret: body.secret, owner });
  });
  return made;
}

async function patVsPublic(api: Api, secrets: string[]): Promise<void> {
  const runs = await ratioRuns(api, ['/healthz', '/api/bench/protected'], secrets);
  results.patVsPublic = round(median(runs.map((r) => r['/api/bench/protected'] / r['/healthz'])), 2);
  detail.pat = `${median(runs.map((r) => r['/api/bench/protected'])).toFixed(0)} req/s vs ${median(runs.map((r) => r['/healthz'])).toFixed(0)}`;
}

/** An admin of the API (role and verified address set in the database, then a fresh sign-in) makes a service client. */
async function makeServiceClient(api: Api, databaseUrl: string): Promise<{ id: string; secret: string }> {
  const admin = await register(api, 'admin');
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query("UPDATE users SET role = 'admin', email_verified_at = now() WHERE email = $1", [admin.email]);
  } finally {
    await db.end();
  }
  const login = await postJson(api, '/auth/login', { email: admin.email, password: PASSWORD });
  const headers = { Authorization: `Bearer ${accessTokenOf(login)}`, 'Content-Type': 'application/json' };
  const made = await post(api, '/api/admin/service-clients', headers, JSON.stringify({ name: 'notes (bench)' }));
  if (made.status !== 201) throw new Error(`POST /api/admin/service-clients answered ${made.status}: ${made.body}`);
  const body = JSON.parse(made.body) as { client: { id: string }; clientSecret: string };
  return { id: body.client.id, secret: body.clientSecret };
}

/** A port free now; the notes service binds it a moment later. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `node apps/notes/src/main.ts` (through bench/notes-server.ts) against `api`. */
async function startNotes(api: Api, env: Record<string, string>): Promise<Api> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'bench/notes-server.ts')], {
    // Not the repository: main.ts reads a .env in its working directory, and a developer's must not count.
    cwd: os.tmpdir(),
    stdio: ['pipe', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      API_URL: api.url,
      LOG_LEVEL: 'warn',
      CORS_ORIGINS: 'none',
      ...env,
    },
  });
  children.add(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the notes service exited (code ${child.exitCode})`);
    const ok = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return { url, child };
    if (Date.now() > deadline) throw new Error('the notes service did not answer within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The notes service's GET /notes next to its /healthz, with the same 1,000 tokens and load as
 * protectedVsPublic: what the resource-server kit's bearer check costs a service (ES256 against the
 * API's JWK Set, then introspection at the API, cached per session for 2 s). The notes are kept in
 * memory, so that, as with /bench/protected, the route adds no database read of its own.
 */
async function resourceServerVsPublic(api: Api, databaseUrl: string, tokens: string[]): Promise<void> {
  const client = await makeServiceClient(api, databaseUrl);
  const notes = await startNotes(api, {
    SERVICE_CLIENT_ID: client.id,
    SERVICE_CLIENT_SECRET: client.secret,
    // The bench API's own lifetime (startApi): the kit refuses tokens that live longer than this.
    ACCESS_TOKEN_TTL: '1h',
  });
  try {
    const runs = await ratioRuns(notes, ['/healthz', '/notes'], tokens);
    results.resourceServerVsPublic = round(median(runs.map((r) => r['/notes'] / r['/healthz'])), 2);
    const sessions = new Set(
      tokens.map((t) => (JSON.parse(Buffer.from(t.split('.')[1] ?? '', 'base64url').toString()) as { sid: string }).sid),
    );
    detail.resourceServer = `${median(runs.map((r) => r['/notes'])).toFixed(0)} req/s vs ${median(runs.map((r) => r['/healthz'])).toFixed(0)}; ${sessions.size} sessions`;
  } finally {
    await stopChild(notes.child);
  }
}

/**
 * A second instance on the same database and no Redis, kept busy with API-token requests; one token
 * it has cached is revoked through the first instance, and the second is asked every 25 ms until it
 * refuses it.
 */
async function patRevocation(api: Api, env: Record<string, string>, tokens: ApiToken[]): Promise<void> {
  const other = await startApi(env);
  try {
    const [revoked, ...rest] = tokens as [ApiToken, ...ApiToken[]];
    const ask = () => post(other, '/api/bench/protected', { Authorization: `Bearer ${revoked.secret}` }, undefined, 'GET');
    if ((await ask()).status !== 200) throw new Error('the second instance refused a live token');
    const busy = load(
      other,
      '/api/bench/protected',
      rest.map((t) => t.secret),
      { seconds: 8 },
    );
    const headers = { Authorization: `Bearer ${revoked.owner.accessToken}` };
    const deleted = await post(api, `/api/tokens/${revoked.id}`, headers, undefined, 'DELETE');
    if (deleted.status !== 204) throw new Error(`DELETE /api/tokens answered ${deleted.status}`);
    const start = Date.now();
    while ((await ask()).status === 200) await new Promise((resolve) => setTimeout(resolve, 25));
    results.patRevocationMs = Date.now() - start;
    const busyLoad = await busy;
    detail.patRevocation = `second instance at ${busyLoad.reqPerSec.toFixed(0)} req/s meanwhile`;
  } finally {
    await stopChild(other.child);
  }
}

/** The shared client, 100 concurrent calls on a token its clock says has expired. */
async function refreshStorm(api: Api, email: string): Promise<void> {
  let offsetMs = 0;
  const client = createApiClient({
    baseURL: api.url,
    seams: { clock: { now: () => Date.now() + offsetMs }, channel: null, lifecycle: null },
  });
  // Node has no cookie jar: keep the refresh cookie here, for /auth requests only, as a browser would.
  let jar: string | undefined;
  let refreshCalls = 0;
  client.http.interceptors.request.use((config) => {
    if (config.url?.startsWith('/auth/')) {
      if (jar) config.headers.set('Cookie', `refresh_token=${jar}`);
      if (config.url === '/auth/refresh') refreshCalls++;
    }
    return config;
  });
  client.http.interceptors.response.use((response) => {
    const lines = response.headers['set-cookie'] as string[] | undefined;
    const line = lines?.find((c) => c.startsWith('refresh_token='));
    if (line) jar = line.slice('refresh_token='.length).split(';', 1)[0];
    return response;
  });
  try {
    await client.login({ email, password: PASSWORD });
    offsetMs = 2 * 60 * 60 * 1000;
    const settled = await Promise.allSettled(Array.from({ length: 100 }, () => client.http.get('/api/me')));
    results.refreshStorm = { requests: 100, refreshCalls, failures: settled.filter((s) => s.status === 'rejected').length };
  } finally {
    client.dispose();
  }
}

async function tokenCacheRssGrowth(api: Api, session: Session): Promise<void> {
  const total = 200_000;
  const tokens: string[] = [];
  while (tokens.length < total) {
    const res = await fetch(`${api.url}/bench/mint?count=${Math.min(25_000, total - tokens.length)}`, {
      headers: { Authorization: `Bearer ${session.accessToken}` },
    });
    if (res.status !== 200) throw new Error(`mint answered ${res.status}`);
    tokens.push(...((await res.json()) as string[]));
  }
  const before = await stats(api, '?gc=1');
  log(`  minted ${tokens.length} tokens; API RSS ${(before.rssBytes / 2 ** 20).toFixed(1)} MB, gc exposed: ${before.gcExposed}`);
  // The API phases' budget wins over the request count: a cut-short run reports null, not a guess.
  const r = await load(api, '/bench/protected', tokens, { amount: total, stopAt: startedAt + DEADLINE_MS - 12_000 });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${r.non2xx} non-2xx answers, ${r.errors} errors over new tokens`);
  const after = await stats(api, '?gc=1');
  const growth = round((after.rssBytes - before.rssBytes) / 2 ** 20, 1);
  detail.rss = `${(before.rssBytes / 2 ** 20).toFixed(0)} -> ${(after.rssBytes / 2 ** 20).toFixed(0)} MB over ${r.total} requests at ${r.reqPerSec.toFixed(0)} req/s`;
  if (r.total < total) throw new Error(`out of time after ${r.total} of ${total} requests (growth so far ${growth} MB)`);
  results.tokenCacheRssGrowthMb = growth;
}

// ---- the web app's first JavaScript

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && !entry.parentPath.includes('node_modules'))
      newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function spaInitialJs(): void {
  const web = path.join(ROOT, 'apps/web');
  const built = path.join(web, 'dist/index.html');
  const sources = Math.max(
    newestMtime(path.join(web, 'src')),
    ...['index.html', 'vite.config.ts', 'package.json'].map((f) => statSync(path.join(web, f)).mtimeMs),
    ...['packages/contract/src', 'packages/http-client/src'].map((d) => newestMtime(path.join(ROOT, d))),
  );
  let builtAt = 0;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {}
  if (builtAt < sources) {
    log('building apps/web (dist is missing or older than its sources)');
    viteBuild(web);
  }
  const app = firstJavaScript(path.join(web, 'dist'));
  detail.spa = app.files
    .sort((a, b) => b.bytes - a.bytes)
    .map((s) => `${s.name} ${round(s.bytes / 1000, 1)}`)
    .join(', ');
  results.spaInitialJsGzipKb = round(app.bytes / 1000, 1);

  // The same weighing of bench/stack-floor: React, React Router and axios with no app around them.
  const floorDist = mkdtempSync(path.join(os.tmpdir(), 'spa-auth-stack-floor-'));
  try {
    viteBuild(path.join(ROOT, 'bench/stack-floor'), ['--outDir', floorDist, '--emptyOutDir', '--target', 'es2022']);
    results.spaStackFloorGzipKb = round(firstJavaScript(floorDist).bytes / 1000, 1);
  } finally {
    rmSync(floorDist, { recursive: true, force: true });
  }
}

/** `vite build` in `cwd` (its vite.config.ts, if any) with `args`, through the installed Vite, not npx. */
function viteBuild(cwd: string, args: string[] = []): void {
  const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
  const build = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) throw new Error(`vite build in ${path.relative(ROOT, cwd)} failed (${build.status})`);
}

/** What a built page fetches before anything runs: its entry module and the modules it preloads, gzip-compressed. */
function firstJavaScript(dist: string): { bytes: number; files: { name: string; bytes: number }[] } {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const sources = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => m[1] as string);
  if (sources.length === 0) throw new Error(`${dist}/index.html loads no module script`);
  const files = sources.map((src) => ({
    name: path.basename(src).replace(/-[\w-]{8}\.js$/, ''),
    bytes: gzipSync(readFileSync(path.join(dist, src.replace(/^\//, '')))).length,
  }));
  return { bytes: files.reduce((sum, f) => sum + f.bytes, 0), files };
}

// ---- the production build, for the compare page and Lighthouse

/** One build for a same-origin API, made when the first phase that needs it runs; removed at the end. */
let sameOriginBuild: Promise<string> | undefined;
let buildDir: string | undefined;
function removeBuild(): void {
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  buildDir = undefined;
}
function sameOriginWeb(): Promise<string> {
  sameOriginBuild ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spa-auth-bench-web-'));
    buildDir = dir;
    log('  building apps/web for a same-origin API');
    await buildWeb(dir);
    return dir;
  })();
  return sameOriginBuild;
}

/** `work`, or a rejection once `ms` have passed. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- the compare page's clients in Chromium

async function clientComparison(): Promise<void> {
  const phaseStart = Date.now();
  try {
    const webRoot = await sameOriginWeb();
    results.clientComparison = await within(
      COMPARE_BUDGET_MS - (Date.now() - phaseStart),
      measureClientComparison({ log, webRoot, startApi, onStop: (stop) => stops.add(stop) }),
    );
  } catch (error) {
    results.clientComparison = { error: (error as Error).message };
  } finally {
    await Promise.all([...stops].map((stop) => stop().catch(() => {})));
    stops.clear();
    await cleanUp();
  }
  if (results.clientComparison && 'error' in results.clientComparison) log(`  clientComparison failed: ${results.clientComparison.error}`);
}

// ---- Lighthouse on the production build

async function lighthouseScores(): Promise<void> {
  const timeLeft = startedAt + DEADLINE_MS + COMPARE_BUDGET_MS + LIGHTHOUSE_BUDGET_MS - 10_000 - Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${Math.round(timeLeft / 1000)} s`)), timeLeft);
  });
  try {
    const run = sameOriginWeb().then((webRoot) =>
      measureLighthouse({ log, onStop: (stop) => stops.add(stop), runs: { mobile: 3, desktop: 1 }, webRoot }),
    );
    const { mobile, desktop, notes } = await Promise.race([run, timedOut]);
    for (const note of notes) log(`  ${note}`);
    results.lighthouse = mobile;
    results.lighthouseDesktop = desktop;
  } catch (error) {
    results.lighthouse = { error: (error as Error).message };
    results.lighthouseDesktop = results.lighthouse;
  } finally {
    clearTimeout(timer);
    await Promise.all([...stops].map((stop) => stop().catch(() => {})));
    stops.clear();
  }
}

// ---- the run

async function phase(name: string, fn: () => Promise<void> | void): Promise<void> {
  if (only && !new RegExp(only).test(name)) return;
  log(name);
  try {
    await fn();
  } catch (error) {
    log(`  ${name} failed: ${(error as Error).stack ?? error}`);
  }
}

async function onPostgres(): Promise<void> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    databaseName = name;
  } finally {
    await admin.end();
  }
  // JWT_EXTRA_AUDIENCES: the notes service's audience in every token, as in a deployment that runs it.
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${name}`;
  const api = await startApi({ DATABASE_URL: databaseUrl, JWT_EXTRA_AUDIENCES: 'notes' });
  log(`API on PostgreSQL (${name}) at ${api.url}`);
  const users = await registerMany(api, 50);
  const emails = users.map((u) => u.email);
  const tokens = users.map((u) => u.accessToken);

  await phase('login: 20 concurrent loops, 5 s', async () => {
    await stats(api, '?reset=1');
    const start = Date.now();
    const run = await loginLoops(api, emails, 20, start + 5_000);
    const elapsed = (Date.now() - start) / 1000;
    const after = await stats(api);
    if (run.failures > 0) throw new Error(`${run.failures} logins failed`);
    results.loginPerSecond = round(run.tokens.length / elapsed, 0);
    results.loginEventLoopP99Ms = round(after.eventLoopP99Ms, 1);
    tokens.push(...run.tokens);
  });
  await phase('password flood: 100 bursts of 300 wrong passwords from one account, another user signing in', () =>
    passwordFlood(api, users[1] as Session, users[2] as Session),
  );
  await phase('sessions: topping up to 1,000 live tokens by refreshing', async () => {
    // Logins cost a password hash each (seconds for hundreds here); a refresh issues a new, equally
    // live access token for an existing session in a millisecond or two.
    tokens.push(...(await refreshTokens(api, users, 1_000 - tokens.length)));
    if (tokens.length < 1_000) throw new Error(`only ${tokens.length} tokens`);
  });
  await phase('protected and naive vs public: 3 runs x 3 routes x 2 passes of 1 s, 50 connections', () =>
    protectedVsPublic(api, tokens.slice(0, 1_000)),
  );
  await phase('resource server vs public: the notes service, 1,000 tokens, 3 runs x 2 routes x 2 passes of 1 s, 50 connections', () =>
    resourceServerVsPublic(api, databaseUrl, tokens.slice(0, 1_000)),
  );
  await phase(
    'API tokens vs public: 1,000 tokens, 3 runs x 2 routes x 2 passes of 1 s; then a revocation seen by a second instance',
    async () => {
      const apiTokens = await createApiTokens(api, users, 1_000);
      await patVsPublic(
        api,
        apiTokens.map((t) => t.secret),
      );
      await patRevocation(api, { DATABASE_URL: databaseUrl, JWT_EXTRA_AUDIENCES: 'notes' }, apiTokens);
    },
  );
  await phase('refresh on PostgreSQL: 50 sessions, 4 s', async () => {
    const r = await refreshRun(api, users, 4_000);
    results.refreshPerSecond.postgres = round(r.perSecond, 0);
    results.refreshErrors = (results.refreshErrors ?? 0) + r.errors;
  });
  await phase('refresh storm: the shared client, 100 concurrent calls on an expired token', () => refreshStorm(api, emails[0] as string));
  await phase('token cache memory: 200,000 requests, each with a new token', async () => {
    await tokenCacheRssGrowth(api, await register(api, 'rss'));
  });
  await stopChild(api.child);
}

async function onEmbedded(): Promise<void> {
  const api = await startApi({ DATA_DIR: 'memory://' });
  log(`API on the embedded database at ${api.url}`);
  const users = await registerMany(api, 50);
  await phase('refresh on the embedded database: 50 sessions, 4 s', async () => {
    const r = await refreshRun(api, users, 4_000);
    results.refreshPerSecond.embedded = round(r.perSecond, 0);
    results.refreshErrors = (results.refreshErrors ?? 0) + r.errors;
  });
  await stopChild(api.child);
}

function table(): string {
  const r = results;
  const show = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : String(v));
  const met = (ok: boolean | null) => (ok === null ? '-' : ok ? 'yes' : 'NO');
  const check = (v: number | null, test: (n: number) => boolean) => (v === null ? null : test(v));
  const storm = r.refreshStorm;
  const rows: [string, string, string, string][] = [
    [
      'protectedVsPublic',
      `${show(r.protectedVsPublic)}  (${detail.protected ?? '?'} vs ${detail.healthz ?? '?'})`,
      '>= 0.75',
      met(check(r.protectedVsPublic, (n) => n >= 0.75)),
    ],
    ['naiveVsPublic', `${show(r.naiveVsPublic)}  (${detail.naive ?? '?'})`, 'for comparison', '-'],
    ['patVsPublic', `${show(r.patVsPublic)}  (${detail.pat ?? '?'})`, '>= 0.6', met(check(r.patVsPublic, (n) => n >= 0.6))],
    [
      'resourceServerVsPublic',
      `${show(r.resourceServerVsPublic)}  (${detail.resourceServer ?? '?'})`,
      '>= 0.7',
      met(check(r.resourceServerVsPublic, (n) => n >= 0.7)),
    ],
    [
      'patRevocationMs',
      `${show(r.patRevocationMs)}  (${detail.patRevocation ?? '?'})`,
      '<= 5000',
      met(check(r.patRevocationMs, (n) => n <= 5000)),
    ],
    ['refreshPerSecond.postgres', show(r.refreshPerSecond.postgres), '>= 1000', met(check(r.refreshPerSecond.postgres, (n) => n >= 1000))],
    ['refreshPerSecond.embedded', show(r.refreshPerSecond.embedded), 'for comparison', '-'],
    ['refreshErrors', show(r.refreshErrors), '0', met(check(r.refreshErrors, (n) => n === 0))],
    ['loginPerSecond', show(r.loginPerSecond), '>= 120', met(check(r.loginPerSecond, (n) => n >= 120))],
    ['loginEventLoopP99Ms', show(r.loginEventLoopP99Ms), '< 20', met(check(r.loginEventLoopP99Ms, (n) => n < 20))],
    [
      'passwordFloodVictimLoginMs',
      `${show(r.passwordFloodVictimLoginMs)}  (${detail.flood ?? '?'})`,
      '< 100',
      met(check(r.passwordFloodVictimLoginMs, (n) => n < 100)),
    ],
    ['healthzFloodVictimLoginMs', show(r.healthzFloodVictimLoginMs), 'for comparison', '-'],
    [
      'refreshStorm',
      storm ? `${storm.requests} calls, ${storm.refreshCalls} refresh, ${storm.failures} failed` : 'n/a',
      '1 refresh, 0 failed',
      met(storm ? storm.refreshCalls === 1 && storm.failures === 0 : null),
    ],
    [
      'spaInitialJsGzipKb',
      `${show(r.spaInitialJsGzipKb)}  (${detail.spa ?? '?'})`,
      '<= 100',
      met(check(r.spaInitialJsGzipKb, (n) => n <= 100)),
    ],
    ['spaStackFloorGzipKb', show(r.spaStackFloorGzipKb), 'for comparison', '-'],
    [
      'tokenCacheRssGrowthMb',
      `${show(r.tokenCacheRssGrowthMb)}  (${detail.rss ?? '?'})`,
      '< 64',
      met(check(r.tokenCacheRssGrowthMb, (n) => n < 64)),
    ],
    ...comparisonRows(r.clientComparison),
    ...lighthouseRows('lighthouse', r.lighthouse),
    ...lighthouseRows('lighthouseDesktop', r.lighthouseDesktop),
  ];
  const head: [string, string, string, string] = ['figure', 'value', 'goal', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * Ours: a median of one refresh, never two at once, no failed call and no lost session in any run;
 * revoked elsewhere, one refresh and the session's end. A second refresh one after the other in a
 * two-tab run is the known gap (README, Known gaps); the range shows it.
 */
function oursMet(c: Exclude<ClientComparison, { error: string }>): boolean {
  const ours = c.clients.ours;
  const kept = (['burst', 'straddle', 'two-tabs'] as const).every(
    (s) =>
      ours[s].medianRefreshes === 1 && ours[s].maxRefreshesAtOnce === 1 && ours[s].failedCallsRange[1] === 0 && ours[s].sessionsLost === 0,
  );
  return kept && ours.revoked.refreshesRange[0] === 1 && ours.revoked.refreshesRange[1] === 1;
}

function comparisonRows(c: ClientComparison | null): [string, string, string, string][] {
  const goal = 'ours: 1 refresh (median; never 2 at once), 0 failed, 0 lost';
  if (c === null) return [['clientComparison', 'n/a', goal, '-']];
  if ('error' in c) return [['clientComparison', `error: ${c.error}`, goal, 'NO']];
  return CLIENT_KINDS.map((kind) => [
    `clientComparison.${kind}`,
    SCENARIOS.map((s) => {
      const cell = c.clients[kind][s];
      return `${s} ${cell.medianRefreshes} refr/${cell.medianFailedCalls} failed/${cell.sessionsLost} lost`;
    }).join(', '),
    kind === 'ours' ? goal : `for comparison (${c.calls} calls, median of ${c.repetitions})`,
    kind === 'ours' ? (oursMet(c) ? 'yes' : 'NO') : '-',
  ]);
}

function lighthouseRows(name: string, figure: LighthouseFigure | null): [string, string, string, string][] {
  const goal = `>= ${LIGHTHOUSE_GOALS.performance} / ${LIGHTHOUSE_GOALS.accessibility} / ${LIGHTHOUSE_GOALS.bestPractices}`;
  if (figure === null) return [[name, 'n/a', goal, '-']];
  if ('error' in figure) return [[name, `error: ${figure.error}`, goal, 'NO']];
  const row = (page: 'login' | 'dashboard', scores: PageFigure): [string, string, string, string] => {
    return [`${name}.${page}`, showScores(scores), goal, pageGoalsMet(scores) ? 'yes' : 'NO'];
  };
  return [row('login', figure.login), row('dashboard', figure.dashboard)];
}

let exitCode = 0;
try {
  await onEmbedded();
  await onPostgres();
} catch (error) {
  log(`run failed: ${(error as Error).stack ?? error}`);
  exitCode = 1;
} finally {
  await cleanUp();
}
try {
  // After the API phases, so that a build of the web app (when dist is older than its sources) and
  // the stack floor's build never take time from their budget.
  await phase('web app: gzip size of the first JavaScript', spaInitialJs);
  await phase(
    'compare: the compare page in Chromium, 4 clients x 4 scenarios x 5 runs, against APIs with and without a reuse grace',
    clientComparison,
  );
  await phase('lighthouse: the production build behind nginx, login page and dashboard, phone and desktop', lighthouseScores);
} finally {
  await cleanUp();
  removeBuild();
  clearTimeout(watchdog);
}
const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);
const report = `\n${table()}\n\nNode ${process.version}, ${seconds} s in all, ${new Date().toISOString()}\n`;
// With --json, stdout carries the JSON object alone; the table still goes to stderr for the reader.
if (asJson) process.stdout.write(`${JSON.stringify(results)}\n`);
(asJson ? process.stderr : process.stdout).write(report);
log(`done in ${seconds} s`);
process.exit(exitCode);
