// spa-auth's command line: reads the arguments and the environment, picks the command, and turns
// every failure into one line on stderr and a documented exit status (exit-codes.ts). main.ts
// hands it the process's; the tests hand it their own.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Clock, createApiClient } from './api-client.ts';
import { type CommandContext, listSessions, listUsers, revokeSession, showMe } from './commands.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { containsApiToken, isWellFormedApiToken } from './token.ts';

const DEFAULT_API_URL = 'http://localhost:3000';
const DEFAULT_MAX_WAIT_SECONDS = 30;

const USAGE = `spa-auth: your spa-auth account from the command line, with an API token.

Usage:
  spa-auth me                                     your account
  spa-auth sessions list                          your signed-in devices
  spa-auth sessions revoke <id>                   sign one of them out
  spa-auth users list [--search <text>] [--all]   every account (admins)
  spa-auth help | --help                          this text
  spa-auth --version                              this client's version

Options:
  --json                print the API's JSON instead of text (for scripts and jq)
  --api-url <url>       the API (default: SPA_AUTH_API_URL, else ${DEFAULT_API_URL})
  --token-file <path>   read the token from the first line of this file (default: SPA_AUTH_TOKEN)
  --max-wait <seconds>  when rate limited, wait at most this long, once, then retry (default ${DEFAULT_MAX_WAIT_SECONDS})
  --search <text>       users list: only accounts whose email or name contains the text
  --all                 users list: every page, not only the first

The token comes from SPA_AUTH_TOKEN or --token-file, never from an argument: an argument shows in
ps and stays in shell history. Make a token on the API tokens page of the web app.

Exit status:
  0  done
  1  the API failed or answered unexpectedly
  2  usage error
  3  not authenticated: no token, a mistyped one, or the API refused it (401)
  4  forbidden: the token lacks a scope, or only a browser sign-in may do this (403)
  5  rate limited for longer than --max-wait
  6  not found (404)
  7  the API could not be reached
`;

const OPTIONS = {
  json: { type: 'boolean' },
  'api-url': { type: 'string' },
  'token-file': { type: 'string' },
  'max-wait': { type: 'string' },
  search: { type: 'string' },
  all: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

type Command =
  | { name: 'help' }
  | { name: 'version' }
  | { name: 'me' }
  | { name: 'sessions list' }
  | { name: 'sessions revoke'; id: string }
  | { name: 'users list'; search: string | undefined; all: boolean };

const usageError = (message: string) => new CliError(EXIT.usage, `${message}\nRun spa-auth --help for usage.`);

/** Refuses a token on the command line before anything else reads the arguments. */
function refuseTokenArguments(argv: readonly string[]): void {
  const why = 'an argument shows in ps and stays in shell history; set SPA_AUTH_TOKEN or use --token-file <path>';
  for (const arg of argv) {
    if (arg === '--token' || arg.startsWith('--token=')) throw usageError(`there is no --token option: ${why}`);
    if (containsApiToken(arg)) {
      throw usageError(`an API token must not be an argument: ${why} (revoke that token if others can read this machine's history)`);
    }
  }
}

function commandOf(positionals: readonly string[], values: Values): Command {
  if (values.help) return { name: 'help' };
  if (values.version) return { name: 'version' };
  const [first, second, ...rest] = positionals;
  const onlyUsersList = (name: string) => {
    if (values.search !== undefined || values.all) throw usageError(`--search and --all belong to users list, not ${name}`);
  };
  const noMore = (name: string, extra: readonly (string | undefined)[]) => {
    const unexpected = extra.filter((arg) => arg !== undefined);
    if (unexpected.length > 0) throw usageError(`${name} takes no argument ${unexpected.join(' ')}`);
  };
  switch (first) {
    case undefined:
      throw usageError('no command given');
    case 'help':
      return { name: 'help' };
    case 'me':
      onlyUsersList('me');
      noMore('me', [second, ...rest]);
      return { name: 'me' };
    case 'sessions':
      onlyUsersList(`sessions ${second ?? ''}`.trim());
      if (second === 'list') {
        noMore('sessions list', rest);
        return { name: 'sessions list' };
      }
      if (second === 'revoke') {
        const [id, ...more] = rest;
        if (id === undefined || id === '') throw usageError('sessions revoke needs the session ID (see sessions list)');
        noMore('sessions revoke <id>', more);
        return { name: 'sessions revoke', id };
      }
      throw usageError(second === undefined ? 'sessions needs list or revoke <id>' : `unknown sessions command ${second}`);
    case 'users':
      if (second !== 'list') throw usageError(second === undefined ? 'users needs list' : `unknown users command ${second}`);
      noMore('users list', rest);
      return { name: 'users list', search: values.search, all: values.all ?? false };
    default:
      throw usageError(`unknown command ${first}`);
  }
}

/** The token from --token-file (its first line) or else SPA_AUTH_TOKEN, checked for its format. */
function tokenOf(values: Values, env: NodeJS.ProcessEnv): string {
  const path = values['token-file'];
  let token: string | undefined;
  if (path !== undefined) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new CliError(EXIT.unauthenticated, `could not read the token file ${path} (${(error as NodeJS.ErrnoException).code ?? error})`);
    }
    token = text.split(/\r?\n/, 1)[0]?.trim();
    if (!token) throw new CliError(EXIT.unauthenticated, `the token file ${path} has no token on its first line`);
  } else {
    token = env.SPA_AUTH_TOKEN?.trim();
    if (!token) {
      throw new CliError(
        EXIT.unauthenticated,
        'no token: set SPA_AUTH_TOKEN or pass --token-file <path> (make a token on the API tokens page of the web app)',
      );
    }
  }
  if (!isWellFormedApiToken(token)) {
    throw new CliError(
      EXIT.unauthenticated,
      'the token looks mistyped or truncated: an API token is spa_pat_ and 49 letters and digits, the last 6 a checksum of the rest',
    );
  }
  return token;
}

function apiUrlOf(values: Values, env: NodeJS.ProcessEnv): URL {
  const text = values['api-url'] ?? (env.SPA_AUTH_API_URL?.trim() || DEFAULT_API_URL);
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw usageError(`the API URL ${text} is not an http:// or https:// URL`);
  }
  if (url.search || url.hash) throw usageError(`the API URL ${text} must not have a query or a fragment`);
  return url;
}

function maxWaitOf(values: Values): number {
  const text = values['max-wait'];
  if (text === undefined) return DEFAULT_MAX_WAIT_SECONDS;
  if (!/^\d+$/.test(text)) throw usageError(`--max-wait takes a whole number of seconds, not ${text}`);
  return Number(text);
}

/** Whether a bearer token sent to `url` crosses a network unencrypted: http:// to anything but this machine. */
export function isCleartextBeyondThisMachine(url: URL): boolean {
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  return url.protocol === 'http:' && !loopback;
}

function versionOf(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

export type CliIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** How a rate-limited request waits; the tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
  clock?: Clock;
};

/** Runs one command line to its end and returns the exit status; never throws. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  // Everything printed goes through here, and the token, once read, is blanked out of it: an
  // answer or an error that echoed it must not put it in a CI log.
  let secret: string | undefined;
  const redact = (text: string) => (secret ? text.replaceAll(secret, '[token]') : text);
  const write = (text: string) => io.stdout(redact(text));
  const note = (text: string) => io.stderr(redact(`spa-auth: ${text}\n`));

  try {
    refuseTokenArguments(argv);
    let parsed: { values: Values; positionals: string[] };
    try {
      parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      throw usageError((error as Error).message);
    }
    const command = commandOf(parsed.positionals, parsed.values);
    if (command.name === 'help') {
      write(USAGE);
      return EXIT.ok;
    }
    if (command.name === 'version') {
      write(`${versionOf()}\n`);
      return EXIT.ok;
    }

    const baseUrl = apiUrlOf(parsed.values, env);
    const maxWaitSeconds = maxWaitOf(parsed.values);
    secret = tokenOf(parsed.values, env);
    if (isCleartextBeyondThisMachine(baseUrl)) {
      note(`warning: the token travels unencrypted to ${baseUrl.host}; use https:// beyond this machine`);
    }

    const context: CommandContext = {
      api: createApiClient({
        baseUrl,
        token: secret,
        maxWaitSeconds,
        userAgent: `spa-auth-cli/${versionOf()}`,
        notice: note,
        ...(io.sleep ? { sleep: io.sleep } : {}),
        ...(io.clock ? { clock: io.clock } : {}),
      }),
      json: parsed.values.json ?? false,
      write,
      note,
    };
    switch (command.name) {
      case 'me':
        await showMe(context);
        break;
      case 'sessions list':
        await listSessions(context);
        break;
      case 'sessions revoke':
        await revokeSession(context, command.id);
        break;
      case 'users list':
        await listUsers(context, command);
        break;
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliError) {
      note(error.message);
      return error.exitCode;
    }
    note(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.failed;
  }
}
