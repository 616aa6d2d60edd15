// A small load driver for the topology tests: N simulated browser tabs, each an Agent that
// behaves like the shared http-client. Mostly GET /api/me; a refresh shortly before the access token
// expires (or right after a 401 token_expired, which a client whose token ran out meets by design);
// now and then a logout followed by a login. Like the http-client, a tab keeps its cookie through a
// 5xx or a network error and tries again later: only a 401 from /auth/refresh ends its session.
// Every request is kept as a sample with its start and end time, so a fault test can say when the
// failures began and ended, not only how many there were.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Agent, type Answer } from './agent.ts';

/**
 * API settings of the load and fault tests. Every simulated user comes from 127.0.0.1, so the per-IP
 * and per-session limits are lifted (the limits themselves are tested elsewhere, and in faults.test.ts
 * on purpose). 5 s access tokens with no clock tolerance make a one-minute run refresh every session
 * a dozen times. TRUST_PROXY=1: nginx is the one trusted hop, as in the compose file.
 */
export const LOAD_API_ENV: Record<string, string> = {
  ACCESS_TOKEN_TTL: '5s',
  CLOCK_TOLERANCE: '0',
  AUTH_RATE_LIMIT: '1000000',
  REFRESH_RATE_LIMIT: '1000000',
  TRUST_PROXY: '1',
  LOG_LEVEL: 'warn',
};

/** An empty SPA build for nginx to serve: these tests only use its API locations. */
export function createEmptyWebRoot(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'spa-auth-web-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>spa-auth</title>\n');
  return dir;
}

/** Registers `count` fresh users through `base`, a few at a time (each costs an argon2id hash). */
export async function registerAgents(base: string, count: number, concurrency = 8): Promise<Agent[]> {
  const agents = Array.from({ length: count }, () => Agent.fresh('load'));
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const agent = agents[next] as Agent;
      next += 1;
      const answer = await agent.register(base);
      if (answer.status !== 201) throw new Error(`register answered ${answer.status} ${answer.code ?? ''}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return agents;
}

export type RequestKind = 'me' | 'refresh' | 'login' | 'logout';

/**
 * How the driver judged an answer. `expired` is a 401 token_expired on /api/me (expected of a client
 * whose token ran out); `unexpected` is anything a healthy topology never sends this client (a 401
 * other than token_expired, a 429, a 4xx).
 */
export type Outcome = 'ok' | 'expired' | 'server_error' | 'network_error' | 'unexpected';

export type Sample = {
  user: number;
  kind: RequestKind;
  /** Milliseconds since the load started. */
  startedAt: number;
  endedAt: number;
  /** 0 when no response arrived (connection refused or reset, timeout). */
  status: number;
  /** The problem `code`, or for a network error the error's code (ECONNREFUSED, TimeoutError...). */
  code: string | undefined;
  /** The problem's `detail`, kept for failures only: it tells nginx's 503 from the API's. */
  detail?: string;
  outcome: Outcome;
};

export type LoadOptions = {
  /** One tab per agent; each must hold a session (registered or logged in) before the load starts. */
  agents: Agent[];
  /** Where a tab sends its next request: nginx's URL, or a function to pick an instance. */
  target: string | ((user: number, kind: RequestKind) => string);
  durationMs: number;
  /** Random pause between a tab's requests. */
  thinkMs?: [number, number];
  /** Refresh when the access token has less than this left. */
  refreshMarginMs?: number;
  /** Chance, per protected call, that the tab logs out and then logs in again. */
  reloginRate?: number;
  /** Extra pause after a 5xx or a network error, as a client backs off before trying again. */
  retryBackoffMs?: [number, number];
};

export type Mark = { label: string; at: number };

export type LoadResult = {
  durationMs: number;
  samples: Sample[];
  marks: Mark[];
  /** Sessions each tab ended with a logout (it then logged in again). */
  logouts: number;
  /** Sessions that ended with a 401 on /auth/refresh, per tab: never expected. */
  lostSessions: number[];
};

export type LoadRun = {
  /** Milliseconds since the load started: the clock of samples and marks. */
  now(): number;
  /** Records an event (fault injected, service back) on the load's clock, and returns its time. */
  mark(label: string): number;
  done: Promise<LoadResult>;
  /** Ends every tab after its current request (a failed test's clean-up), and waits for them. */
  stop(): Promise<LoadResult>;
};

/** The `exp` of an access token, in ms; 0 when there is none. Only read, never trusted: the API verifies. */
export function accessTokenExpiresAtOf(token: string | undefined): number {
  const claims = claimsOf(token);
  return typeof claims.exp === 'number' ? claims.exp * 1000 : 0;
}

/** The payload of a JWT, unverified (the tests read `sid` and `exp`). */
export function claimsOf(token: string | undefined): Record<string, unknown> {
  const payload = token?.split('.')[1];
  if (!payload) return {};
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const between = ([min, max]: [number, number]) => min + Math.random() * (max - min);

function judge(kind: RequestKind, answer: { status: number; code: string | undefined }): Outcome {
  const { status, code } = answer;
  if (status === 0) return 'network_error';
  if (status >= 500) return 'server_error';
  if (status >= 200 && status < 300) return 'ok';
  if (kind === 'me' && status === 401 && code === 'token_expired') return 'expired';
  return 'unexpected';
}

/** Starts the tabs at once and returns while they run; `done` resolves when the last one stops. */
export function startLoad(options: LoadOptions): LoadRun {
  const thinkMs = options.thinkMs ?? [20, 100];
  const refreshMarginMs = options.refreshMarginMs ?? 1_000;
  const reloginRate = options.reloginRate ?? 0.01;
  const retryBackoffMs = options.retryBackoffMs ?? [200, 500];
  const startedAt = performance.now();
  const now = () => performance.now() - startedAt;
  const samples: Sample[] = [];
  const marks: Mark[] = [];
  const lostSessions = options.agents.map(() => 0);
  let logouts = 0;
  let isStopped = false;
  const targetOf = (user: number, kind: RequestKind) => (typeof options.target === 'string' ? options.target : options.target(user, kind));

  async function send(user: number, kind: RequestKind, call: (base: string) => Promise<Answer>): Promise<Sample> {
    const sentAt = now();
    let answer: { status: number; code: string | undefined; detail?: string };
    try {
      const { status, code, body } = await call(targetOf(user, kind));
      answer = { status, code };
      const detail = (body as { detail?: unknown } | undefined)?.detail;
      if (status >= 300 && typeof detail === 'string') answer.detail = detail;
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown } }).cause;
      answer = { status: 0, code: typeof cause?.code === 'string' ? cause.code : (error as Error).name };
    }
    const sample: Sample = { user, kind, startedAt: sentAt, endedAt: now(), ...answer, outcome: judge(kind, answer) };
    samples.push(sample);
    return sample;
  }

  async function runTab(user: number, agent: Agent): Promise<void> {
    let hasSession = true;
    let wantsLogout = false;
    // Spread the first requests so that the tabs do not march in step.
    await sleep(Math.random() * thinkMs[1]);
    // A tab that is between a logout and its next login when the time is up finishes that login
    // first, so that every tab ends holding a session (within a bound, should the login keep failing).
    const isMidRelogin = () => wantsLogout || !hasSession;
    while (!isStopped && (now() < options.durationMs || (isMidRelogin() && now() < options.durationMs + 30_000))) {
      let sample: Sample;
      if (wantsLogout) {
        sample = await send(user, 'logout', (base) => agent.logout(base));
        // A logout whose answer was lost is simply sent again: the API answers 204 either way.
        if (sample.outcome === 'ok') {
          wantsLogout = false;
          hasSession = false;
          agent.accessToken = undefined;
          logouts += 1;
        }
      } else if (!hasSession) {
        sample = await send(user, 'login', (base) => agent.login(base));
        if (sample.outcome === 'ok') hasSession = true;
      } else if (accessTokenExpiresAtOf(agent.accessToken) - Date.now() < refreshMarginMs) {
        sample = await send(user, 'refresh', (base) => agent.refresh(base));
        if (sample.status === 401) {
          // The session is over (refresh_reused, session_revoked...): a real tab goes to the login page.
          lostSessions[user] = (lostSessions[user] ?? 0) + 1;
          hasSession = false;
          agent.accessToken = undefined;
        }
      } else if (Math.random() < reloginRate) {
        wantsLogout = true;
        continue;
      } else {
        sample = await send(user, 'me', (base) => agent.me(base));
        // token_expired: the next turn refreshes, as the http-client's interceptor would at once.
        if (sample.outcome === 'expired') continue;
      }
      const failed = sample.outcome === 'server_error' || sample.outcome === 'network_error';
      await sleep(between(thinkMs) + (failed ? between(retryBackoffMs) : 0));
    }
  }

  const done = Promise.all(options.agents.map((agent, user) => runTab(user, agent))).then(
    (): LoadResult => ({ durationMs: now(), samples: samples.sort((x, y) => x.startedAt - y.startedAt), marks, logouts, lostSessions }),
  );
  return {
    now,
    mark(label) {
      const at = now();
      marks.push({ label, at });
      return at;
    },
    done,
    stop() {
      isStopped = true;
      return done;
    },
  };
}

/** The q-quantile (0..1) of a list of numbers, nearest rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export type Summary = {
  requests: number;
  throughputPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  byKind: Record<RequestKind, number>;
  byStatus: Record<string, number>;
  /** Problem codes, and network error codes. */
  byCode: Record<string, number>;
  refreshes: number;
  logins: number;
  logouts: number;
  expiredTokens: number;
  serverErrors: number;
  networkErrors: number;
  unexpected401: number;
  unexpectedOther: number;
  lostSessions: number;
};

/** Counts and latencies of a run, optionally of the samples that started within [from, to). */
export function summarize(result: LoadResult, from = 0, to = Number.POSITIVE_INFINITY): Summary {
  const samples = result.samples.filter((s) => s.startedAt >= from && s.startedAt < to);
  const seconds = (Math.min(to, result.durationMs) - from) / 1000;
  const latencies = samples.map((s) => s.endedAt - s.startedAt);
  const byKind: Record<RequestKind, number> = { me: 0, refresh: 0, login: 0, logout: 0 };
  const byStatus: Record<string, number> = {};
  const byCode: Record<string, number> = {};
  const count = (outcome: Outcome) => samples.filter((s) => s.outcome === outcome).length;
  for (const s of samples) {
    byKind[s.kind] += 1;
    byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
    if (s.code) byCode[s.code] = (byCode[s.code] ?? 0) + 1;
  }
  return {
    requests: samples.length,
    throughputPerSecond: round(samples.length / seconds),
    p50Ms: round(quantile(latencies, 0.5)),
    p99Ms: round(quantile(latencies, 0.99)),
    maxMs: round(Math.max(0, ...latencies)),
    byKind,
    byStatus,
    byCode,
    refreshes: samples.filter((s) => s.kind === 'refresh' && s.outcome === 'ok').length,
    logins: samples.filter((s) => s.kind === 'login' && s.outcome === 'ok').length,
    logouts: samples.filter((s) => s.kind === 'logout' && s.outcome === 'ok').length,
    expiredTokens: count('expired'),
    serverErrors: count('server_error'),
    networkErrors: count('network_error'),
    unexpected401: samples.filter((s) => s.outcome === 'unexpected' && s.status === 401).length,
    unexpectedOther: samples.filter((s) => s.outcome === 'unexpected' && s.status !== 401).length,
    lostSessions: result.lostSessions.reduce((sum, n) => sum + n, 0),
  };
}

export const isFailure = (s: Sample) => s.outcome === 'server_error' || s.outcome === 'network_error';

/** When the failing requests (5xx, no answer) were sent and answered: null when there were none. */
export function failureWindow(samples: Sample[], isCounted: (s: Sample) => boolean = isFailure) {
  const failed = samples.filter(isCounted);
  if (failed.length === 0) return null;
  return {
    count: failed.length,
    firstStartedAt: Math.min(...failed.map((s) => s.startedAt)),
    lastStartedAt: Math.max(...failed.map((s) => s.startedAt)),
    lastEndedAt: Math.max(...failed.map((s) => s.endedAt)),
  };
}

/**
 * For each tab, how long after `at` its first successful request (sent after `at`) was answered;
 * the largest of these is when every user was served again. Infinity for a tab never served again.
 */
export function timeUntilEveryUserServed(result: LoadResult, at: number): number {
  let slowest = 0;
  for (let user = 0; user < result.lostSessions.length; user += 1) {
    const first = result.samples.find((s) => s.user === user && s.startedAt >= at && s.outcome === 'ok');
    slowest = Math.max(slowest, first ? first.endedAt - at : Number.POSITIVE_INFINITY);
  }
  return slowest;
}

/** Per-second counts, for a fault test's report: `t=12s ok=950 503=40 502=0 net=0`. */
export function timeline(result: LoadResult, bucketMs = 1_000): string[] {
  const lines: string[] = [];
  for (let from = 0; from < result.durationMs; from += bucketMs) {
    const bucket = result.samples.filter((s) => s.startedAt >= from && s.startedAt < from + bucketMs);
    const statuses = new Map<string, number>();
    for (const s of bucket) {
      const key = s.outcome === 'ok' ? 'ok' : s.status === 0 ? 'net' : String(s.status);
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
    const marks = result.marks.filter((m) => m.at >= from && m.at < from + bucketMs).map((m) => ` <- ${m.label} at ${Math.floor(m.at)} ms`);
    lines.push(`t=${from / 1000}s ${[...statuses].map(([k, n]) => `${k}=${n}`).join(' ')}${marks.join('')}`);
  }
  return lines;
}

export type SessionCheck = {
  /** One line per tab whose session is not exactly one live chain ending in the tab's cookie. */
  problems: string[];
  /**
   * (session, generation) pairs holding more than one token, over the whole database: each is a
   * refresh retried with the superseded cookie within the grace (a lost response, requirement 5.3.2),
   * as a single tab never races itself.
   */
  graceSiblings: number;
  /** Sessions ended as theft (refresh_reused): never expected of these tabs. */
  reusedRevocations: number;
};

/**
 * Reads the database behind the tabs' sessions: each tab's session (the `sid` of its access token)
 * must be live, hold exactly one token at its current generation, that token must be the tab's
 * cookie, and no token may be ahead of the session's generation. Run it after every tab has
 * refreshed once more, so that the current generation is the tab's own rotation.
 */
export async function checkSessionChains(databaseUrl: string, agents: Agent[]): Promise<SessionCheck> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const sessionIds = agents.map((agent) => String(claimsOf(agent.accessToken).sid));
    const { rows } = await client.query<{ id: string; revoked: boolean; current: string[] | null; ahead: number }>(
      `SELECT s.id, s.revoked_at IS NOT NULL AS revoked,
         array_agg(t.selector) FILTER (WHERE t.generation = s.generation) AS current,
         count(t.selector) FILTER (WHERE t.generation > s.generation)::int AS ahead
       FROM sessions s LEFT JOIN refresh_tokens t ON t.session_id = s.id
       WHERE s.id = ANY($1::uuid[]) GROUP BY s.id`,
      [sessionIds],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const problems: string[] = [];
    agents.forEach((agent, user) => {
      const row = byId.get(sessionIds[user] as string);
      const selector = agent.refreshCookie?.split('.')[0];
      if (!row) problems.push(`user ${user}: session ${sessionIds[user]} not found`);
      else if (row.revoked) problems.push(`user ${user}: session ${row.id} revoked`);
      else if (row.current?.length !== 1) problems.push(`user ${user}: ${row.current?.length ?? 0} tokens at the current generation`);
      else if (row.current[0] !== selector) problems.push(`user ${user}: the current token is not the tab's cookie`);
      else if (row.ahead > 0) problems.push(`user ${user}: ${row.ahead} tokens ahead of the session's generation`);
    });
    const siblings = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM (SELECT 1 FROM refresh_tokens GROUP BY session_id, generation HAVING count(*) > 1) AS pairs',
    );
    const reused = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM sessions WHERE revoked_reason = 'refresh_reused'");
    return { problems, graceSiblings: siblings.rows[0]?.n ?? 0, reusedRevocations: reused.rows[0]?.n ?? 0 };
  } finally {
    await client.end();
  }
}

/**
 * After a load: every tab refreshes twice and calls /api/me. Its session must still be live. The
 * first refresh may be the grace retry of a response the load lost (it then gets a sibling token);
 * the second is then a plain rotation, after which the tab's cookie is the one current token.
 */
export async function refreshEveryone(base: string, agents: Agent[]): Promise<string[]> {
  const problems: string[] = [];
  await Promise.all(
    agents.map(async (agent, user) => {
      for (const step of ['refresh', 'me', 'refresh'] as const) {
        const answer = step === 'me' ? await agent.me(base) : await agent.refresh(base);
        if (answer.status !== 200) {
          problems.push(`user ${user}: ${step} ${answer.status} ${answer.code ?? ''}`);
          return;
        }
      }
    }),
  );
  return problems;
}
