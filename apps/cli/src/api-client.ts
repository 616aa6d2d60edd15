import { CliError, EXIT } from './exit-codes.ts';

export type Clock = { now(): number };

export type ApiClientOptions = {
  /** Where the API listens; a path prefix (behind a reverse proxy) is kept. */
  baseUrl: URL;
  /** Sent as the bearer token and nowhere else. */
  token: string;
  /** The longest Retry-After, in seconds, worth waiting for once before giving up. */
  maxWaitSeconds: number;
  userAgent: string;
  /** Told, in a sentence, about a wait before it starts (the user sees the pause explained). */
  notice: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
  /** How long one request may take before the API counts as unreachable. */
  timeoutMs?: number;
};

export type ApiClient = {
  /** The parsed JSON of a 2xx answer, or undefined for 204; any other answer throws a CliError. */
  request(method: 'GET' | 'DELETE', path: string, query?: Record<string, string | undefined>): Promise<unknown>;
};

type ProblemFields = { code: string | undefined; detail: string };

const systemClock: Clock = { now: () => Date.now() };
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createApiClient(options: ApiClientOptions): ApiClient {
  const { baseUrl, token, maxWaitSeconds, notice } = options;
  const sleep = options.sleep ?? realSleep;
  const clock = options.clock ?? systemClock;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const apiUrl = baseUrl.href.replace(/\/+$/, '');

  async function send(method: string, url: URL): Promise<Response> {
    try {
      return await fetchImpl(url, {
        method,
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', 'User-Agent': options.userAgent },
        signal: AbortSignal.timeout(timeoutMs),
        // A redirect is reported, not followed: the URL to fix is --api-url, and the token stays where it was sent.
        redirect: 'manual',
      });
    } catch (error) {
      throw new CliError(EXIT.unreachable, `the API could not be reached at ${apiUrl} (${networkReason(error, timeoutMs)})`);
    }
  }

  return {
    async request(method, path, query = {}) {
      const url = new URL(`${apiUrl}${path}`);
      for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);

      let response = await send(method, url);
      let waited = false;
      if (response.status === 429) {
        const waitSeconds = retryAfterSeconds(response.headers.get('Retry-After'), clock.now());
        if (waitSeconds !== undefined && waitSeconds <= maxWaitSeconds) {
          await response.body?.cancel();
          notice(`rate limited by the API: waiting ${waitSeconds} s, then trying once more`);
          await sleep(waitSeconds * 1000);
          response = await send(method, url);
          waited = true;
        }
      }
      if (response.ok) return bodyOf(response);
      throw await failureOf(response, waited, clock);
    },
  };
}

async function bodyOf(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(EXIT.failed, `the API answered ${response.status} with a body that is not JSON`);
  }
}

/** Seconds to wait from a Retry-After header (delay-seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  // An HTTP date starts with the day's name (RFC 9110 5.6.7); Date.parse alone would read "-5" as a year.
  const date = /^[A-Za-z]{3}/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The `scope` parameter of a Bearer challenge (RFC 6750 3): the scope the request needed. */
export function requiredScopeOf(challenge: string | null): string | undefined {
  return challenge ? /(?:^|[\s,])scope="([^"]*)"/.exec(challenge)?.[1] : undefined;
}

async function problemOf(response: Response): Promise<ProblemFields> {
  const fallback = { code: undefined, detail: `${response.status} ${response.statusText}`.trim() };
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { code?: unknown; detail?: unknown; title?: unknown };
    const detail = typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : fallback.detail;
    return { code: typeof body.code === 'string' ? body.code : undefined, detail };
  } catch {
    // Not problem+json: a proxy's HTML page, say. The status line is all there is to tell.
    return fallback;
  }
}

async function failureOf(response: Response, waited: boolean, clock: Clock): Promise<CliError> {
  const { code, detail } = await problemOf(response);
  const { status } = response;
  if (status === 401 && code === 'insufficient_user_authentication') {
    return new CliError(EXIT.forbidden, `this needs a recent sign-in with a password, which an API token cannot give: ${detail}`);
  }
  if (status === 401) {
    return new CliError(
      EXIT.unauthenticated,
      `the token was refused: ${detail} (expired, revoked or wrong; make a new one on the API tokens page)`,
    );
  }
  if (status === 403 && code === 'insufficient_scope') {
    const scope = requiredScopeOf(response.headers.get('WWW-Authenticate'));
    return new CliError(
      EXIT.forbidden,
      scope ? `this token lacks the scope ${scope} (make one with it on the API tokens page)` : `this token may not do this: ${detail}`,
    );
  }
  if (status === 403 && code === 'api_token_not_allowed') {
    return new CliError(EXIT.forbidden, `this needs a browser sign-in; an API token may not do it: ${detail}`);
  }
  if (status === 403) return new CliError(EXIT.forbidden, `forbidden: ${detail}`);
  if (status >= 300 && status < 400) {
    const location = response.headers.get('Location');
    return new CliError(EXIT.failed, `the API answered ${status}, a redirect${location ? ` to ${location}` : ''}: check the API URL`);
  }
  if (status === 404) return new CliError(EXIT.notFound, `not found: ${detail}`);
  if (status === 429) {
    const seconds = retryAfterSeconds(response.headers.get('Retry-After'), clock.now());
    const when = seconds === undefined ? 'try again later' : `try again in ${seconds} s (after ${timeOfDay(clock.now() + seconds * 1000)})`;
    return new CliError(EXIT.rateLimited, `${waited ? 'still rate limited after one wait' : 'rate limited by the API'}: ${when}`);
  }
  return new CliError(EXIT.failed, `the API answered ${status}: ${detail}`);
}

/** HH:MM:SS in UTC, said as such: the one reading of a time that needs no time zone guessed. */
function timeOfDay(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  }
  // fetch rejects with a bare "fetch failed"; what happened is in the cause (ECONNREFUSED, ENOTFOUND, ...).
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
