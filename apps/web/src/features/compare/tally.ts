import axios, { type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios';

/** What the compare page sees of one client: what went over the network, and how each call ended. */
export type TallyEvent = { at: number; tab: TabName } & (
  | { type: 'refresh-sent' }
  | { type: 'refresh-answered'; status: number | null; code: string | null }
  | { type: 'call-sent'; call: number; retry: boolean }
  | { type: 'call-failed'; call: number; code: string }
  | { type: 'session-ended'; code: string }
);

/** The page's own tab, or the second one of the two-tab scenario. */
export type TabName = 'first' | 'second';

/** The counts a run reports, for one tab or both together. */
export type Counts = {
  /** `POST /auth/refresh` requests that went out. */
  refreshes: number;
  /** The API's answers to them: `200`, or the problem code (`refresh_reused`, `session_revoked`, ...). */
  refreshAnswers: Record<string, number>;
  /** API requests that went out again for a call that had gone out before. */
  retries: number;
  /** Calls whose promise rejected, and with which code. */
  failed: number;
  failureCodes: Record<string, number>;
  /** Times the client told the app that the session ended (ours: `onSessionExpired`). */
  sessionEnded: number;
  /** The most refreshes on their way at one moment (both tabs together): more than one race for one cookie. */
  refreshesAtOnce: number;
};

/** The config member that names each call, so that a retry (a second request of the same call) is seen. */
export type CountedConfig = InternalAxiosRequestConfig & { compareCall?: number };

/** A problem's `code`. At the adapter the body is still text: axios parses it after the adapter. */
function problemCode(data: unknown): string | null {
  let body = data;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return null;
    }
  }
  return typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string'
    ? (body as { code: string }).code
    : null;
}

/** The code of a rejected call, as the page shows it: the API's problem code, or what axios said. */
export function codeOf(error: unknown): string {
  const { code, response } = error as { code?: string; response?: { status: number; data?: unknown } };
  if (response) return problemCode(response.data) ?? `HTTP ${response.status}`;
  return typeof (error as { code?: unknown }).code === 'string' ? (code as string) : 'error';
}

/** An event as a client reports it: the tally adds the time (unless given) and the tab. */
export type NewEvent = TallyEvent extends infer E ? (E extends TallyEvent ? Omit<E, 'at' | 'tab'> & { at?: number } : never) : never;

export type Tally = {
  /** For a client's `axios` option: an adapter that records each request it really sends. */
  adapter: AxiosAdapter;
  record(event: NewEvent): void;
  /** Recording starts here: the set-up's refresh is not counted. */
  begin(): void;
  events(): readonly TallyEvent[];
};

/**
 * Counts at the adapter, where axios hands a request to the browser: below every interceptor, so
 * the counts are what went over the network, whichever client made them and however its
 * interceptors queue, retry or reject.
 */
export function createTally(tab: TabName, now: () => number = Date.now): Tally {
  // The browser's own adapters, named here rather than taken from the library's global instance:
  // nothing global is touched, not even read, as every client of the page is an instance of its own.
  const sendOf = axios.getAdapter(['xhr', 'fetch']);
  const sends = new Map<number, number>();
  let recording = false;
  let events: TallyEvent[] = [];
  const record: Tally['record'] = (event) => {
    if (recording) events.push({ ...event, at: event.at ?? now(), tab } as TallyEvent);
  };
  return {
    record,
    begin() {
      recording = true;
      events = [];
      sends.clear();
    },
    events: () => events,
    adapter: async (config) => {
      const isRefresh = (config.method ?? 'get').toLowerCase() === 'post' && config.url === '/auth/refresh';
      const call = (config as CountedConfig).compareCall;
      if (isRefresh) record({ type: 'refresh-sent' });
      else if (call !== undefined) {
        const times = (sends.get(call) ?? 0) + 1;
        sends.set(call, times);
        record({ type: 'call-sent', call, retry: times > 1 });
      }
      try {
        const response = await sendOf(config);
        if (isRefresh) record({ type: 'refresh-answered', status: response.status, code: null });
        return response;
      } catch (error) {
        const response = (error as { response?: { status: number; data?: unknown } }).response;
        if (isRefresh)
          record({ type: 'refresh-answered', status: response?.status ?? null, code: response ? problemCode(response.data) : null });
        throw error;
      }
    },
  };
}

/** The counts of some events (one tab's, or both tabs' together). */
export function countsOf(events: readonly TallyEvent[]): Counts {
  const counts: Counts = { refreshes: 0, refreshAnswers: {}, retries: 0, failed: 0, failureCodes: {}, sessionEnded: 0, refreshesAtOnce: 0 };
  let inFlight = 0;
  const bump = (table: Record<string, number>, key: string) => {
    table[key] = (table[key] ?? 0) + 1;
  };
  for (const event of events) {
    if (event.type === 'refresh-sent') {
      counts.refreshes++;
      inFlight++;
      counts.refreshesAtOnce = Math.max(counts.refreshesAtOnce, inFlight);
    } else if (event.type === 'refresh-answered') {
      inFlight--;
      bump(counts.refreshAnswers, event.status === 200 ? '200' : (event.code ?? `HTTP ${event.status ?? 'none'}`));
    } else if (event.type === 'call-sent' && event.retry) counts.retries++;
    else if (event.type === 'call-failed') {
      counts.failed++;
      bump(counts.failureCodes, event.code);
    } else if (event.type === 'session-ended') counts.sessionEnded++;
  }
  return counts;
}
