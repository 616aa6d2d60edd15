import { createServer, type Server } from 'node:http';
import { apiTokenChecksum as checksumOf } from '@spa-auth/contract/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening, runCli, runInProcess } from './support.ts';

// What the CLI decides before, or without, any answer from the API: usage, the token's source and
// format, an API that is not there. The API here is a counting HTTP server, so "no request was
// sent" is observed, not inferred. The cases a user meets first run `node src/main.ts` as a
// process; the table of argument mistakes runs the same code in-process.

const RANDOM = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg';
const WELL_FORMED = `spa_pat_${RANDOM}${checksumOf(RANDOM)}`;

let counting: Server;
let countingUrl: string;
let requestsSeen = 0;
/** A port nothing listens on: taken from the system, then let go. */
let closedUrl: string;

beforeAll(async () => {
  counting = createServer((_req, res) => {
    requestsSeen++;
    res.writeHead(500).end();
  }).listen(0, '127.0.0.1');
  countingUrl = await listening(counting);
  const probe = createServer().listen(0, '127.0.0.1');
  closedUrl = await listening(probe);
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(async () => {
  await new Promise((resolve) => counting.close(resolve));
});

describe('usage', () => {
  it('when asked for help, then it prints the commands and every exit status, and exits 0', async () => {
    for (const args of [['--help'], ['help'], ['-h']]) {
      const run = await runInProcess(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('spa-auth sessions revoke <id>');
      for (const code of [0, 1, 2, 3, 4, 5, 6, 7]) expect(run.stdout).toMatch(new RegExp(`^ {2}${code} {2}\\S`, 'm'));
    }
  });

  it('when asked for the version, then it prints the package version', async () => {
    const run = await runCli(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  it('when the command line is wrong, then exit 2 with what is wrong and where help is', async () => {
    const cases: [string[], string][] = [
      [[], 'no command given'],
      [['whoami'], 'unknown command whoami'],
      [['sessions'], 'sessions needs list or revoke <id>'],
      [['sessions', 'revoke'], 'needs the session ID'],
      [['me', 'extra'], 'me takes no argument extra'],
      [['me', '--all'], '--search and --all belong to users list'],
      [['me', '--verbose'], "Unknown option '--verbose'"],
      [['me', '--max-wait', 'soon'], '--max-wait takes a whole number of seconds'],
      [['me', '--api-url', 'ftp://example.test'], 'is not an http:// or https:// URL'],
    ];
    for (const [args, message] of cases) {
      const run = await runInProcess(args, { SPA_AUTH_TOKEN: WELL_FORMED, SPA_AUTH_API_URL: countingUrl });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toContain(message);
      expect(run.stderr).toContain('Run spa-auth --help for usage.');
    }
    expect(requestsSeen).toBe(0);
  });
});

describe('the token', () => {
  it('when --token is passed, then it is refused as a usage error that says why, and never echoed', async () => {
    const runs = [
      await runCli(['me', '--token', WELL_FORMED], { SPA_AUTH_API_URL: countingUrl }),
      await runInProcess(['me', `--token=${WELL_FORMED}`], { SPA_AUTH_API_URL: countingUrl }),
    ];
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('there is no --token option');
      expect(run.stderr).toContain('shows in ps and stays in shell history');
      expect(run.stderr + run.stdout).not.toContain(RANDOM);
    }
    expect(requestsSeen).toBe(0);
  });

  it('when a token is given as a bare argument, then it is refused the same way, never echoed', async () => {
    const run = await runInProcess(['sessions', 'revoke', WELL_FORMED], { SPA_AUTH_API_URL: countingUrl });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('an API token must not be an argument');
    expect(run.stderr + run.stdout).not.toContain(RANDOM);
    expect(requestsSeen).toBe(0);
  });

  it('when there is no token at all, then exit 3 saying where one goes', async () => {
    const run = await runInProcess(['me'], { SPA_AUTH_API_URL: countingUrl });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('no token: set SPA_AUTH_TOKEN or pass --token-file <path>');
    expect(requestsSeen).toBe(0);
  });

  it('when the token is mistyped or truncated, then exit 3 with the format message and no request at all', async () => {
    const mistyped = [
      `${WELL_FORMED.slice(0, 20)}X${WELL_FORMED.slice(21)}`, // one character changed: the checksum no longer matches
      WELL_FORMED.slice(0, -1), // truncated
      `${WELL_FORMED}x`, // one too many
      WELL_FORMED.replace('spa_pat_', 'spa_pa_'), // wrong prefix
      'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', // an access token (JWT) is not an API token
    ];
    for (const token of mistyped) {
      const run = await runInProcess(['me'], { SPA_AUTH_TOKEN: token, SPA_AUTH_API_URL: countingUrl });
      expect(run.code, token).toBe(3);
      expect(run.stderr).toContain('the token looks mistyped or truncated');
      expect(run.stderr).not.toContain(token);
    }
    // As a process, pointed where nothing listens: had it sent a request, it would have exited 7.
    const unreachable = await runCli(['me', '--api-url', closedUrl], { SPA_AUTH_TOKEN: WELL_FORMED.slice(0, -1) });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toBe(
      'spa-auth: the token looks mistyped or truncated: an API token is spa_pat_ and 49 letters and digits, the last 6 a checksum of the rest\n',
    );
    expect(requestsSeen).toBe(0);
  });

  it('when --token-file names a missing file or an empty one, then exit 3 naming the file', async () => {
    const missing = await runInProcess(['me', '--token-file', '/nonexistent/spa-auth-token'], { SPA_AUTH_API_URL: countingUrl });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('could not read the token file /nonexistent/spa-auth-token (ENOENT)');
    const empty = await runInProcess(['me', '--token-file', '/dev/null'], { SPA_AUTH_API_URL: countingUrl });
    expect(empty.code).toBe(3);
    expect(empty.stderr).toContain('has no token on its first line');
    expect(requestsSeen).toBe(0);
  });
});

describe('the API URL', () => {
  it('when nothing listens there, then exit 7 naming the URL it tried', async () => {
    const run = await runInProcess(['me'], { SPA_AUTH_TOKEN: WELL_FORMED, SPA_AUTH_API_URL: closedUrl });
    expect(run.code).toBe(7);
    expect(run.stderr).toContain(`the API could not be reached at ${closedUrl} (ECONNREFUSED)`);
    expect(run.stderr).not.toContain(RANDOM);
  });

  it('when --api-url and SPA_AUTH_API_URL are both given, then the option wins', async () => {
    const run = await runInProcess(['me', '--api-url', closedUrl], { SPA_AUTH_TOKEN: WELL_FORMED, SPA_AUTH_API_URL: countingUrl });
    expect(run.code).toBe(7);
    expect(requestsSeen).toBe(0);
  });
});
