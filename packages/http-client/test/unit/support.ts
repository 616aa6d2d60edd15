import { type ErrorCode, problemType, type SessionResponse, type User } from '@spa-auth/contract';
import { HttpResponse, http } from 'msw';
import { type SetupServer, setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import {
  type ApiClient,
  type ApiClientOptions,
  type Channel,
  type ClientEvent,
  createApiClient,
  type LockManager,
} from '../../src/index.ts';

/** The API's origin, and an origin that is not the API's (a third-party service). */
export const API = 'http://api.test';
export const OTHER = 'http://other.test';
export const PASSWORD = 'correct-horse-battery';
export const TAKEN_EMAIL = 'taken@example.com';
export const USER: User = { id: 'user-1', email: 'ada@example.com', name: 'Ada', role: 'user' };

export type Deferred<T = void> = { promise: Promise<T>; resolve(value: T): void };

/** A promise the test settles itself: how a response is held back without sleeping. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** An RFC 9457 problem+json response, as the API renders it (requirement 3). */
export function problem(status: number, code: ErrorCode, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return HttpResponse.json(
    { type: problemType(code), title: code.replaceAll('_', ' '), status, detail: `detail of ${code}`, code, ...extra },
    { status, headers: { 'Content-Type': 'application/problem+json', ...headers } },
  );
}

/** The RFC 6750 challenges of requirement 4. */
export const CHALLENGE = {
  missing: 'Bearer realm="spa-auth"',
  invalidToken: 'Bearer realm="spa-auth", error="invalid_token", error_description="The access token expired"',
  invalidRequest: 'Bearer realm="spa-auth", error="invalid_request"',
  insufficientScope: 'Bearer realm="spa-auth", error="insufficient_scope", scope="admin"',
} as const;

export type SeenRequest = { method: string; url: string; authorization: string | null; requestedWith: string | null };

/**
 * A network-level double of the API (requirement 4 to 6) with a little server state: the one access
 * token it currently accepts, whether the refresh cookie holds a session, and what it has seen.
 */
export class FakeApi {
  /** The only access token /api/* accepts; null accepts none. */
  current: string | null = null;
  /** Whether the browser's refresh cookie names a live session. */
  hasSession = false;
  expiresIn = 300;
  refreshCalls = 0;
  readonly seen: SeenRequest[] = [];
  /** Per /api/items/:id, how many times the server saw it. */
  readonly attempts = new Map<string, number>();
  /** Answers /auth/refresh instead of the normal behaviour when it returns a response. */
  onRefresh: (() => Response | undefined | Promise<Response | undefined>) | undefined;
  /** When set, /api/items/:id waits for it before checking the token and answering. */
  itemGate: Promise<void> | undefined;
  private issued = 0;
  private itemWaiters: Array<{ count: number; done: () => void }> = [];

  /** Resolves once /api/items/* has been asked `count` times in all. */
  whenItemRequests(count: number): Promise<void> {
    const done = deferred();
    this.itemWaiters.push({ count, done: done.resolve });
    this.wakeItemWaiters();
    return done.promise;
  }

  private wakeItemWaiters(): void {
    const total = [...this.attempts.values()].reduce((sum, n) => sum + n, 0);
    for (const waiter of this.itemWaiters.filter((w) => total >= w.count)) {
      this.itemWaiters.splice(this.itemWaiters.indexOf(waiter), 1);
      waiter.done();
    }
  }

  /** The server refuses the token the client holds, whatever the client's clock says. */
  revokeAccess(): void {
    this.current = null;
  }

  session(): SessionResponse {
    this.issued += 1;
    this.current = `at-${this.issued}`;
    this.hasSession = true;
    return { accessToken: this.current, tokenType: 'Bearer', expiresIn: this.expiresIn, user: USER };
  }

  count(method: string, path: string): number {
    return this.seen.filter((r) => r.method === method && new URL(r.url).pathname === path).length;
  }

  /** The Authorization headers of every request to a path. */
  authorizations(path: string): Array<string | null> {
    return this.seen.filter((r) => new URL(r.url).pathname.startsWith(path)).map((r) => r.authorization);
  }

  private record(request: Request): void {
    this.seen.push({
      method: request.method,
      url: request.url,
      authorization: request.headers.get('authorization'),
      requestedWith: request.headers.get('x-requested-with'),
    });
  }

  private authorize(request: Request): Response | undefined {
    const header = request.headers.get('authorization');
    if (!header) return problem(401, 'token_missing', { 'WWW-Authenticate': CHALLENGE.missing });
    if (this.current === null || header !== `Bearer ${this.current}`) {
      return problem(401, 'token_expired', { 'WWW-Authenticate': CHALLENGE.invalidToken });
    }
    return undefined;
  }

  readonly handlers = [
    http.all(`${OTHER}/*`, ({ request }) => {
      this.record(request);
      return HttpResponse.json({ ok: true });
    }),
    http.post(`${API}/auth/refresh`, async ({ request }) => {
      this.record(request);
      this.refreshCalls += 1;
      const override = await this.onRefresh?.();
      if (override) return override;
      if (!this.hasSession) return problem(401, 'refresh_missing');
      return HttpResponse.json(this.session(), { headers: { 'Cache-Control': 'no-store' } });
    }),
    http.post(`${API}/auth/login`, async ({ request }) => {
      this.record(request);
      const body = (await request.json()) as { email: string; password: string };
      if (body.password !== PASSWORD) return problem(401, 'invalid_credentials');
      return HttpResponse.json(this.session(), { headers: { 'Cache-Control': 'no-store' } });
    }),
    http.post(`${API}/auth/register`, async ({ request }) => {
      this.record(request);
      const body = (await request.json()) as { email: string; password: string; name: string };
      if (body.password.length < 12) {
        return problem(400, 'validation_failed', {}, { errors: [{ path: 'password', message: 'must be at least 12 characters' }] });
      }
      if (body.email === TAKEN_EMAIL) return problem(409, 'email_taken');
      return HttpResponse.json(this.session(), { status: 201, headers: { 'Cache-Control': 'no-store' } });
    }),
    http.post(`${API}/auth/logout`, ({ request }) => {
      this.record(request);
      this.hasSession = false;
      this.current = null;
      return new HttpResponse(null, { status: 204 });
    }),
    http.get(`${API}/api/me`, ({ request }) => {
      this.record(request);
      return this.authorize(request) ?? HttpResponse.json({ user: USER });
    }),
    http.get(`${API}/api/items/:id`, async ({ request, params }) => {
      this.record(request);
      const id = String(params.id);
      this.attempts.set(id, (this.attempts.get(id) ?? 0) + 1);
      this.wakeItemWaiters();
      await this.itemGate;
      return this.authorize(request) ?? HttpResponse.json({ id, token: request.headers.get('authorization') });
    }),
  ];
}

/** The client's clock, moved by the test. */
export function createManualClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}
export type ManualClock = ReturnType<typeof createManualClock>;

/**
 * Web Locks as the tabs of one browser see them, with the record of each lock's last holder that
 * createLockManager keeps in IndexedDB: exclusive, first come first served; `fn(previous)` gets the
 * id of the attempt that held the lock last, whether this one queued behind it or came after it had
 * left, or null when none did since the tab opened. `run` is a tab open from the start; `tab()`
 * opens one later, which is not told of the holders before it.
 */
export function createLocks(): LockManager & {
  grants: Array<{ name: string; id: string; previous: string | null }>;
  whenGranted(count: number): Promise<void>;
  tab(): LockManager;
} {
  const tails = new Map<string, { id: string; released: Promise<void> }>();
  const lastHolders = new Map<string, string>();
  const grants: Array<{ name: string; id: string; previous: string | null }> = [];
  const grantWaiters: Array<{ count: number; done: () => void }> = [];
  const runIn =
    (seenBefore: ReadonlyMap<string, string>) =>
    async <T>(name: string, id: string, fn: (previous: string | null) => Promise<T>): Promise<T> => {
      const ahead = tails.get(name);
      const mine = deferred();
      const released = (ahead?.released ?? Promise.resolve()).then(() => mine.promise);
      tails.set(name, { id, released });
      try {
        if (ahead) await ahead.released;
        const last = lastHolders.get(name);
        const previous = last !== undefined && last !== seenBefore.get(name) ? last : null;
        lastHolders.set(name, id);
        grants.push({ name, id, previous });
        for (const waiter of grantWaiters.filter((w) => grants.length >= w.count)) {
          grantWaiters.splice(grantWaiters.indexOf(waiter), 1);
          waiter.done();
        }
        return await fn(previous);
      } finally {
        mine.resolve();
        if (tails.get(name)?.released === released) tails.delete(name);
      }
    };
  return {
    grants,
    /** Resolves once the lock has been granted `count` times in all. */
    whenGranted(count: number): Promise<void> {
      if (grants.length >= count) return Promise.resolve();
      const done = deferred();
      grantWaiters.push({ count, done: done.resolve });
      return done.promise;
    },
    run: runIn(new Map()),
    tab: () => ({ run: runIn(new Map(lastHolders)) }),
  };
}

/** BroadcastChannel as the tabs see it: a post reaches every OTHER open endpoint, later, as a task. */
export function createChannelBus() {
  const endpoints = new Set<{ listeners: Set<(message: unknown) => void> }>();
  let pending = 0;
  let idle = deferred();
  idle.resolve();
  const posted: unknown[] = [];
  let holding = false;
  const held: Array<() => void> = [];
  return {
    posted,
    /** Resolves once every message posted so far has been delivered. */
    delivered: () => idle.promise,
    /** Holds back every message posted from now on, as a busy browser can, until `release()`. */
    hold() {
      holding = true;
    },
    /** Delivers the held messages, in the order they were posted, and stops holding. */
    release() {
      holding = false;
      for (const deliver of held.splice(0)) setTimeout(deliver, 0);
    },
    connect(): Channel {
      const self = { listeners: new Set<(message: unknown) => void>() };
      endpoints.add(self);
      return {
        post(message) {
          posted.push(message);
          // Structured clone: the receiver never shares the sender's object.
          const copy = structuredClone(message);
          for (const other of endpoints) {
            if (other === self) continue;
            if (pending === 0) idle = deferred();
            pending += 1;
            const deliver = () => {
              for (const listener of other.listeners) listener(copy);
              pending -= 1;
              if (pending === 0) idle.resolve();
            };
            if (holding) held.push(deliver);
            else setTimeout(deliver, 0);
          }
        },
        subscribe(listener) {
          self.listeners.add(listener);
          return () => self.listeners.delete(listener);
        },
        close() {
          endpoints.delete(self);
        },
      };
    },
  };
}

/** Page lifecycle the test triggers: a hidden tab shown again, or a page restored from the bfcache. */
export function createLifecycle() {
  const listeners = new Set<(from: 'visible' | 'bfcache') => void>();
  return {
    onResume(listener: (from: 'visible' | 'bfcache') => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    trigger(from: 'visible' | 'bfcache') {
      for (const listener of listeners) listener(from);
    },
  };
}

export type Tab = {
  client: ApiClient;
  events: ClientEvent[];
  expired: Array<{ code: string }>;
  lifecycle: ReturnType<typeof createLifecycle>;
  count(type: ClientEvent['type']): number;
  /** Resolves once `count` events of `type` have been seen. */
  waitFor(type: ClientEvent['type'], count?: number): Promise<void>;
};

/** One browser: a clock, a lock manager and a channel shared by its tabs. Each tab is one client. */
export function createBrowser() {
  const clock = createManualClock();
  const locks = createLocks();
  const bus = createChannelBus();
  const tabs: Tab[] = [];
  return {
    clock,
    locks,
    bus,
    tabs,
    openTab(options: Partial<ApiClientOptions> = {}): Tab {
      const lifecycle = createLifecycle();
      const events: ClientEvent[] = [];
      const expired: Array<{ code: string }> = [];
      const waiters: Array<{ type: ClientEvent['type']; count: number; done: () => void }> = [];
      const count = (type: ClientEvent['type']) => events.filter((e) => e.type === type).length;
      const client = createApiClient({
        baseURL: API,
        onSessionExpired: (info) => expired.push(info),
        ...options,
        seams: { clock, locks: locks.tab(), channel: bus.connect(), lifecycle, ...options.seams },
      });
      client.subscribe((event) => {
        events.push(event);
        for (const waiter of [...waiters]) {
          if (count(waiter.type) >= waiter.count) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.done();
          }
        }
      });
      const tab: Tab = {
        client,
        events,
        expired,
        lifecycle,
        count,
        waitFor(type, n = 1) {
          if (count(type) >= n) return Promise.resolve();
          const done = deferred();
          waiters.push({ type, count: n, done: done.resolve });
          return done.promise;
        },
      };
      tabs.push(tab);
      return tab;
    },
    dispose() {
      for (const tab of tabs) tab.client.dispose();
    },
  };
}
export type Browser = ReturnType<typeof createBrowser>;

/** Signs a tab in through the API, as the login form does. */
export async function signIn(tab: Tab) {
  return tab.client.login({ email: USER.email, password: PASSWORD });
}

/**
 * Per test: a fresh FakeApi behind MSW (unhandled requests fail the test) and a fresh browser.
 * Call once at the top of a test file.
 */
export function useFakeApi() {
  const server = setupServer();
  const context = { server } as { server: SetupServer; api: FakeApi; browser: Browser };
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  beforeEach(() => {
    context.api = new FakeApi();
    context.browser = createBrowser();
    server.resetHandlers(...context.api.handlers);
  });
  afterEach(() => context.browser.dispose());
  afterAll(() => server.close());
  return context;
}
