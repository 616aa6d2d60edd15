import type { ApiClient, ClientEvent } from '@spa-auth/http-client';

/** One line of the timeline; `count` > 1 when the same event repeated at once (a burst). */
export type TimelineEntry = { id: number; at: number; text: string; kind: 'request' | 'problem' | 'refresh' | 'session'; count: number };

const LIMIT = 300;
// The same event again within this time joins the line before it: twenty requests read as one line ×20.
const GROUP_WITHIN_MS = 1_000;

/** Words for each client event: the timeline is the demo's explanation of what the client does. */
export function describeEvent(event: ClientEvent): Pick<TimelineEntry, 'text' | 'kind'> | null {
  switch (event.type) {
    case 'request':
      return {
        kind: 'request',
        text: `${event.method} ${event.url} sent ${event.authorized ? 'with the access token' : 'without a token'}`,
      };
    case 'unauthorized':
      return { kind: 'problem', text: `401 on ${event.method} ${event.url}${event.code ? ` (${event.code})` : ''}` };
    case 'queued':
      return { kind: 'request', text: `${event.method} ${event.url} waits for the refresh` };
    case 'retried':
      return { kind: 'request', text: `${event.method} ${event.url} retried with the new token` };
    case 'refresh-started':
      return { kind: 'refresh', text: `Refresh started (${event.reason})` };
    case 'refresh-finished':
      return { kind: 'refresh', text: 'Refresh finished: new access token and refresh cookie' };
    case 'refresh-failed':
      if (event.code === 'refresh_missing') return { kind: 'session', text: 'No session cookie: not signed in' };
      return {
        kind: 'problem',
        text: `Refresh failed (${event.code}${event.retryAfter !== undefined ? `, retry after ${event.retryAfter} s` : ''})`,
      };
    case 'token-from-other-tab':
      return { kind: 'refresh', text: 'Access token received from another tab' };
    case 'session-expired':
      return { kind: 'session', text: `Session ended (${event.code})` };
    case 'session-changed':
      return event.session ? null : { kind: 'session', text: 'Signed out' };
  }
}

export type TimelineStore = {
  subscribe(listener: () => void): () => void;
  getEntries(): readonly TimelineEntry[];
  clear(): void;
};

/** Records the client's events from start-up on, so the first refresh is on the timeline too. */
export function createTimelineStore(client: Pick<ApiClient, 'subscribe'>): TimelineStore {
  let entries: readonly TimelineEntry[] = [];
  let nextId = 1;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  client.subscribe((event) => {
    const entry = describeEvent(event);
    if (!entry) return;
    const last = entries.at(-1);
    if (last && last.text === entry.text && event.at - last.at <= GROUP_WITHIN_MS) {
      entries = [...entries.slice(0, -1), { ...last, count: last.count + 1 }];
    } else {
      entries = [...entries.slice(-(LIMIT - 1)), { ...entry, id: nextId++, at: event.at, count: 1 }];
    }
    notify();
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getEntries: () => entries,
    clear() {
      entries = [];
      notify();
    },
  };
}
