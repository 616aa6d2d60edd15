import {
  ApiError,
  type Channel,
  type ClientEvent,
  createApiClient,
  createBroadcastChannel,
  createLockManager,
  type Session,
} from '@spa-auth/http-client';

// A page that plays the app: one client per page load, driven by the tests through window.harness.

const API_URL = 'http://localhost:3101';
const PASSWORD = 'harness-password-1';

/** How a request ended, in a form that crosses page.evaluate. */
export type Outcome = { ok: true; status: number } | { ok: false; status: number | null; code: string };

let clockOffsetMs = 0;
const events: ClientEvent[] = [];
const expiries: { code: string }[] = [];

/**
 * The real BroadcastChannel, with a switch that holds back what arrives until it is released: a
 * test makes a word from another tab arrive late, as on a busy machine, at a moment of its choosing.
 */
function createHoldingChannel(name: string): Channel & { hold(): void; release(): void } {
  const channel = createBroadcastChannel(name);
  if (!channel) throw new Error('BroadcastChannel is missing');
  let held: Array<() => void> | null = null;
  return {
    ...channel,
    subscribe: (listener) =>
      channel.subscribe((message) => {
        if (held) held.push(() => listener(message));
        else listener(message);
      }),
    hold() {
      held ??= [];
    },
    release() {
      const late = held ?? [];
      held = null;
      for (const deliver of late) deliver();
    },
  };
}

const channel = createHoldingChannel('spa-auth');
const client = createApiClient({
  baseURL: API_URL,
  onSessionExpired: (info) => expiries.push(info),
  // The tests move the client's clock to make it believe its token is fresh (or expired) whatever the API thinks.
  seams: { clock: { now: () => Date.now() + clockOffsetMs }, channel },
});
// A lock of its own, made as the page loads as the client's is, for the tests of the lock itself.
const testLocks = createLockManager();
client.subscribe((event) => events.push(event));

async function settle(request: Promise<{ status: number }>): Promise<Outcome> {
  try {
    return { ok: true, status: (await request).status };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, status: error.status, code: error.code };
    return { ok: false, status: null, code: error instanceof Error ? error.name : String(error) };
  }
}

/** Every record of every object store of the IndexedDB database `name`. */
async function everythingIn(name: string): Promise<unknown[]> {
  const done = <T>(request: IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const db = await done(indexedDB.open(name));
  try {
    const stores = [...db.objectStoreNames];
    if (stores.length === 0) return [];
    const transaction = db.transaction(stores, 'readonly');
    return (await Promise.all(stores.map((store) => done(transaction.objectStore(store).getAll())))).flat();
  } finally {
    db.close();
  }
}

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

const harness = {
  setClockOffset(ms: number): void {
    clockOffsetMs = ms;
  },
  register: (email: string): Promise<Session> => client.register({ email, password: PASSWORD, name: 'Harness User' }),
  login: (email: string): Promise<Session> => client.login({ email, password: PASSWORD }),
  logout: (): Promise<void> => client.logout(),
  restore: (): Promise<Session | null> => client.restore(),
  /** Calls restore() from several places at the same moment, as React StrictMode's doubled effects do. */
  restoreTimes: (times: number): Promise<(Session | null)[]> => Promise.all(Array.from({ length: times }, () => client.restore())),
  /** restore() at a wall-clock time shared by every page, so that pages "opened at once" start at once. */
  async restoreAt(at: number): Promise<Session | null> {
    await sleepUntil(at);
    return client.restore();
  },
  getSession: (): Session | null => client.getSession(),
  get: (url: string): Promise<Outcome> => settle(client.http.get(url)),
  /** Fires `count` GET /api/me at once, optionally at a wall-clock time shared by every page. */
  async burst(count: number, at = 0): Promise<Outcome[]> {
    await sleepUntil(at);
    return Promise.all(Array.from({ length: count }, () => settle(client.http.get('/api/me'))));
  },
  /** The Authorization header the client sends now (read from a real /api/me request). */
  async currentAuthorization(): Promise<string | null> {
    const response = await client.http.get('/api/me');
    const header = response.config.headers.get('Authorization');
    return typeof header === 'string' ? header : null;
  },
  /** Asks the API directly, past the client, whether it still accepts an Authorization header. */
  async probe(authorization: string): Promise<number> {
    return (await fetch(`${API_URL}/api/me`, { headers: { Authorization: authorization } })).status;
  },
  events: (): ClientEvent[] => events,
  expiries: (): { code: string }[] => expiries,
  /** Everything a script on this page could read from browser storage. */
  async storage(): Promise<{ localStorage: number; sessionStorage: number; indexedDB: Record<string, unknown[]>; cookie: string }> {
    const databases: Record<string, unknown[]> = {};
    for (const { name } of await indexedDB.databases()) if (name) databases[name] = await everythingIn(name);
    return {
      localStorage: localStorage.length,
      sessionStorage: sessionStorage.length,
      indexedDB: databases,
      cookie: document.cookie,
    };
  },
  /** Holds back every word from the other tabs until `releaseWords()`. */
  holdWords: (): void => channel.hold(),
  releaseWords: (): void => channel.release(),
  /** Whether a tab of this browser holds the client's refresh lock now. */
  async refreshLockHeld(): Promise<boolean> {
    const { held = [] } = await navigator.locks.query();
    return held.some((lock) => lock.name === 'spa-auth:refresh');
  },
  /** Takes the test lock for `attempt` and answers the attempt it was told held it before. */
  takeTestLock: (attempt: string): Promise<string | null> => testLocks.run('harness-test-lock', attempt, async (previous) => previous),
  hasWebLocks: (): boolean => isSecureContext && typeof navigator.locks?.request === 'function',
};

export type Harness = typeof harness;

declare global {
  interface Window {
    harness: Harness;
  }
}

window.harness = harness;
