import { LRUCache } from 'lru-cache';
import { createFormPoster } from './post-form.ts';

export type Clock = { now(): number };

export type IntrospectionOptions = {
  /** The API's base URL as this service reaches it, ending with `/`: `oauth/token` and `oauth/introspect` are beneath it. */
  apiUrl: URL;
  /** The service client's id and secret, made by an admin of the API (`POST /api/admin/service-clients`). */
  clientId: string;
  clientSecret: string;
  /**
   * How long a session found live is taken as live without asking again, in milliseconds. A revoked
   * session's tokens are refused here within this time plus the API's own bound (2 s across its
   * instances), so the default of 2 s keeps the sum within 5 s.
   */
  cacheMs?: number;
  clock?: Clock;
};

/** The API could not be asked (down, slow, or it refused this service's credentials). */
export class IntrospectionUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IntrospectionUnavailableError';
  }
}

export type Introspection = {
  /**
   * Whether the token's session is still live. `token` is one this service already verified;
   * `sid` is its session. Throws IntrospectionUnavailableError when the API cannot answer.
   */
  isActive(token: string, sid: string): Promise<boolean>;
  /** The cached answer for the token's session with no waiting, or undefined when it must be asked. */
  knownActive(token: string, sid: string): boolean | undefined;
  /** How many introspection requests were sent: a service's metrics, and how tests see the cache. */
  readonly requests: number;
};

type ServiceToken = { value: string; renewAt: number };

// A service token is renewed when this share of its lifetime is left, so that one never expires
// on the way to the API.
const RENEW_AT_REMAINING = 0.2;

/**
 * RFC 7662 introspection against the spa-auth API, authenticated with a service token from the
 * client credentials grant (RFC 6749 4.4). Answers are cached so that a busy service asks about a
 * session at most once per `cacheMs`, and concurrent requests of one session share one question:
 * - live: per session, for `cacheMs`; the API revokes sessions, not single tokens, so one live
 *   answer speaks for every token of the session;
 * - not live: per token, until it expires; not per session, because the API also answers "not live"
 *   for a token that expired on its clock a moment before, and that must not shut out the session's
 *   next token.
 */
export function createIntrospection(options: IntrospectionOptions): Introspection {
  const clock = options.clock ?? Date;
  const cacheMs = options.cacheMs ?? 2_000;
  const poster = createFormPoster({ timeoutMs: 5_000 });
  const tokenUrl = new URL('oauth/token', options.apiUrl);
  const introspectUrl = new URL('oauth/introspect', options.apiUrl);
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`;

  const live = new LRUCache<string, { checkedAt: number; answer: Promise<boolean>; active?: boolean }>({ max: 50_000 });
  // No expiry needed: a token past its `exp` is refused by the verifier before it gets here.
  const refused = new LRUCache<string, true>({ max: 50_000 });
  let serviceToken: Promise<ServiceToken> | undefined;
  let requests = 0;

  async function fetchServiceToken(): Promise<ServiceToken> {
    const answer = await send(tokenUrl, { grant_type: 'client_credentials', scope: 'introspect' }, { Authorization: basic });
    const body = answer.body as { access_token?: unknown; expires_in?: unknown } | null;
    if (answer.status !== 200 || typeof body?.access_token !== 'string' || typeof body.expires_in !== 'number') {
      // 401 invalid_client: the client was revoked or the secret is wrong; an operator must act.
      throw new IntrospectionUnavailableError(`The API refused this service's client credentials (${answer.status})`);
    }
    return { value: body.access_token, renewAt: clock.now() + body.expires_in * 1000 * (1 - RENEW_AT_REMAINING) };
  }

  function grant(): Promise<ServiceToken> {
    const pending = fetchServiceToken();
    serviceToken = pending;
    pending.catch(() => {
      if (serviceToken === pending) serviceToken = undefined;
    });
    return pending;
  }

  async function currentServiceToken(): Promise<string> {
    const pending = serviceToken ?? grant();
    const held = await pending;
    if (clock.now() < held.renewAt) return held.value;
    // Old: the first caller to see it starts the one new grant, the others wait for that one.
    return (await (serviceToken === pending || !serviceToken ? grant() : serviceToken)).value;
  }

  async function send(url: URL, form: Record<string, string>, headers: Record<string, string>) {
    try {
      return await poster.post(url, form, headers);
    } catch (cause) {
      throw new IntrospectionUnavailableError('The API could not be reached', { cause });
    }
  }

  async function introspect(token: string, retried = false): Promise<boolean> {
    requests += 1;
    const answer = await send(
      introspectUrl,
      { token, token_type_hint: 'access_token' },
      { Authorization: `Bearer ${await currentServiceToken()}` },
    );
    if (answer.status === 401 && !retried) {
      // The service token was refused (its key rotated out, or it expired in transit): one new grant.
      serviceToken = undefined;
      return introspect(token, true);
    }
    const body = answer.body as { active?: unknown } | null;
    if (answer.status !== 200 || typeof body?.active !== 'boolean') {
      throw new IntrospectionUnavailableError(`The API's introspection answered ${answer.status}`);
    }
    return body.active;
  }

  return {
    async isActive(token, sid) {
      if (refused.has(token)) return false;
      const now = clock.now();
      const cached = live.get(sid);
      if (cached && now - cached.checkedAt < cacheMs && (await cached.answer.catch(() => false))) return true;
      const entry: { checkedAt: number; answer: Promise<boolean>; active?: boolean } = { checkedAt: now, answer: introspect(token) };
      live.set(sid, entry);
      try {
        const active = await entry.answer;
        entry.active = active;
        if (!active) {
          if (live.peek(sid) === entry) live.delete(sid);
          refused.set(token, true);
        }
        return active;
      } catch (error) {
        if (live.peek(sid) === entry) live.delete(sid);
        throw error;
      }
    },
    knownActive(token, sid) {
      if (refused.has(token)) return false;
      const cached = live.get(sid);
      if (cached?.active === true && clock.now() - cached.checkedAt < cacheMs) return true;
      return undefined;
    },
    get requests() {
      return requests;
    },
  };
}
