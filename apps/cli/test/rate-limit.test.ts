import { createServer, type Server } from 'node:http';
import { apiTokenChecksum as checksumOf } from '@spa-auth/contract/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../src/api-client.ts';
import { CliError, EXIT } from '../src/exit-codes.ts';
import { apiTokenOf, listening, runCli, runInProcess, signUp, useRunningApi } from './support.ts';

// 429: wait once for Retry-After when it is within --max-wait, else say when to try again. Against
// the real API with a budget of one request per token per minute, its manual clock moved by the
// injected sleep, so a minute's wait takes no time.

const running = useRunningApi({ API_TOKEN_RATE_LIMIT: '1', RATE_LIMIT_WINDOW: '60s' });

async function spentToken() {
  const { api, url } = running();
  const person = await signUp(api);
  const token = await apiTokenOf(api, person, ['profile:read']);
  const env = { SPA_AUTH_TOKEN: token.secret, SPA_AUTH_API_URL: url };
  // The minute's one request: from here on the API answers 429 with Retry-After: 60.
  expect((await runInProcess(['me'], env)).code).toBe(0);
  return env;
}

describe('rate limited by the real API', () => {
  it('when Retry-After is within --max-wait, then it says so, waits that long once, and the retry succeeds', async () => {
    const env = await spentToken();
    const slept: number[] = [];
    const run = await runInProcess(['me', '--json', '--max-wait', '60'], env, {
      sleep: async (ms) => {
        slept.push(ms);
        running().api.clock.advance(ms);
      },
      clock: running().api.clock,
    });
    expect(run.code).toBe(0);
    expect(slept).toEqual([60_000]);
    expect(run.stderr).toBe('spa-auth: rate limited by the API: waiting 60 s, then trying once more\n');
    expect(JSON.parse(run.stdout).user).toBeDefined();
  });

  it('when Retry-After is beyond --max-wait, then exit 5 at once, saying when to try again', async () => {
    const env = await spentToken();
    const slept: number[] = [];
    const run = await runInProcess(['me', '--max-wait', '59'], env, {
      sleep: async (ms) => {
        slept.push(ms);
      },
      clock: running().api.clock,
    });
    expect(run.code).toBe(5);
    expect(slept).toEqual([]);
    expect(run.stderr).toMatch(/^spa-auth: rate limited by the API: try again in 60 s \(after \d\d:\d\d:\d\d UTC\)\n$/);

    // The same as a process, the default --max-wait being 30 s.
    const process = await runCli(['me'], env);
    expect(process.code).toBe(5);
    expect(process.stderr).toMatch(/try again in 60 s/);
  });
});

// What the API itself will not answer on demand: a second 429 after the wait, a Retry-After given as
// a date, a gateway's HTML error page. A tiny HTTP server that answers from a script: a stand-in for
// whatever sits in front of the API, not a copy of the API's logic.
describe('answers from in front of the API', () => {
  let script: { status: number; headers: Record<string, string>; body: string }[] = [];
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      const next = script.shift() ?? { status: 500, headers: {}, body: 'script ran out' };
      res.writeHead(next.status, next.headers).end(next.body);
    }).listen(0, '127.0.0.1');
    url = await listening(server);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const random = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1V';
  const client = (sleep: (ms: number) => Promise<void>, notices: string[], now = 0) =>
    createApiClient({
      baseUrl: new URL(url),
      token: `spa_pat_${random}${checksumOf(random)}`,
      maxWaitSeconds: 30,
      userAgent: 'test',
      notice: (message) => notices.push(message),
      sleep,
      clock: { now: () => now },
    });
  const problem = (status: number, code: string, headers: Record<string, string> = {}) => ({
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
    body: JSON.stringify({ type: 'about:blank', title: 'x', status, detail: `the detail of ${code}`, code }),
  });

  it('when the retry is rate limited too, then it gives up with exit 5 after exactly one wait', async () => {
    script = [problem(429, 'rate_limited', { 'Retry-After': '2' }), problem(429, 'rate_limited', { 'Retry-After': '7' })];
    const slept: number[] = [];
    const notices: string[] = [];
    const failure = await client(async (ms) => void slept.push(ms), notices)
      .request('GET', '/api/me')
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CliError);
    expect(failure).toMatchObject({
      exitCode: EXIT.rateLimited,
      message: expect.stringContaining('still rate limited after one wait: try again in 7 s'),
    });
    expect(slept).toEqual([2000]);
    expect(notices).toEqual(['rate limited by the API: waiting 2 s, then trying once more']);
    expect(script).toEqual([]);
  });

  it('when Retry-After is an HTTP date, then it waits until then', async () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    script = [
      problem(429, 'rate_limited', { 'Retry-After': new Date(now + 5000).toUTCString() }),
      { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"user":{}}' },
    ];
    const slept: number[] = [];
    const body = await client(async (ms) => void slept.push(ms), [], now).request('GET', '/api/me');
    expect(body).toEqual({ user: {} });
    expect(slept).toEqual([5000]);
  });

  it('when a gateway answers with HTML, then exit 1 with the status line', async () => {
    script = [{ status: 502, headers: { 'Content-Type': 'text/html' }, body: '<h1>Bad Gateway</h1>' }];
    const run = await runInProcess(['me'], { SPA_AUTH_TOKEN: `spa_pat_${random}${checksumOf(random)}`, SPA_AUTH_API_URL: url });
    expect(run).toMatchObject({ code: 1, stderr: 'spa-auth: the API answered 502: 502 Bad Gateway\n' });
  });

  it('when a browser sign-in is required, then exit 4 saying so', async () => {
    script = [problem(403, 'api_token_not_allowed')];
    const run = await runInProcess(['me'], { SPA_AUTH_TOKEN: `spa_pat_${random}${checksumOf(random)}`, SPA_AUTH_API_URL: url });
    expect(run).toMatchObject({
      code: 4,
      stderr: 'spa-auth: this needs a browser sign-in; an API token may not do it: the detail of api_token_not_allowed\n',
    });
  });
});
