import { ApiError, type ClientEvent, createApiClient, type Session } from '@spa-auth/http-client';

// A page that plays the app: one client per page load, driven by the tests through window.harness.

const API_URL = 'http://localhost:3101';
const PASSWORD = 'harness-password-1';

/** How a request ended, in a form that crosses page.evaluate. */
export type Outcome = { ok: true; status: number } | { ok: false; status: number | null; code: string };

let clockOffsetMs = 0;
const events: ClientEvent[] = [];
const expiries: { code: string }[] = [];

const client = createApiClient({
  baseURL: API_URL,
  onSessionExpired: (info) => expiries.push(info),
  // The tests move the client's clock to make it believe its token is fresh (or expired) whatever the API thinks.
  seams: { clock: { now: () => Date.now() + clockOffsetMs } },
});
client.subscribe((event) => events.push(event));

async function settle(request: Promise<{ status: number }>): Promise<Outcome> {
  try {
    return { ok: true, status: (await request).status };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, status: error.status, code: error.code };
    return { ok: false, status: null, code: error instanceof Error ? error.name : String(error) };
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
  async storage(): Promise<{ localStorage: number; sessionStorage: number; indexedDB: string[]; cookie: string }> {
    const databases = await indexedDB.databases();
    return {
      localStorage: localStorage.length,
      sessionStorage: sessionStorage.length,
      indexedDB: databases.map((db) => db.name ?? ''),
      cookie: document.cookie,
    };
  },
  hasWebLocks: (): boolean => isSecureContext && typeof navigator.locks?.request === 'function',
};

export type Harness = typeof harness;

declare global {
  interface Window {
    harness: Harness;
  }
}

window.harness = harness;
