/**
 * Browser features behind small seams, each with a fallback when the feature is missing, so the
 * client runs in any browser context and in Node, and tests can drive "tabs" without a browser.
 */

/**
 * Time in milliseconds since the epoch.
 *
 * @example
 * ```ts
 * const clock: Clock = { now: () => Date.now() + skewMs };
 * ```
 */
export type Clock = { now(): number };

/**
 * A mutual-exclusion lock shared by every tab of the origin, taken for one attempt `id`. `fn` receives
 * the id of the attempt that held the lock right before this one when this call queued behind it, and
 * null when the lock was free (or the lock cannot tell). The client's holder posts its word, tagged
 * with its id, before it releases the lock, so the next holder knows exactly which word to wait for.
 *
 * @example
 * ```ts
 * const inTabOnly: LockManager = { run: (_name, _id, fn) => fn(null) };
 * ```
 */
export type LockManager = { run<T>(name: string, id: string, fn: (previous: string | null) => Promise<T>): Promise<T> };

/**
 * A message channel between the tabs of one origin.
 *
 * @example
 * ```ts
 * channel.post({ type: 'ended', code: 'signed_out' });
 * ```
 */
export type Channel = { post(message: unknown): void; subscribe(listener: (message: unknown) => void): () => void; close(): void };

/**
 * Tells when a page comes back: from a hidden tab, or from the back/forward cache.
 *
 * @example
 * ```ts
 * const never: Lifecycle = { onResume: () => () => {} };
 * ```
 */
export type Lifecycle = { onResume(listener: (from: 'visible' | 'bfcache') => void): () => void };

/**
 * Every browser feature the client uses, replaceable as a whole or one by one.
 *
 * @example
 * ```ts
 * // Two "tabs" in one Node test: one lock manager and one channel bus shared by both clients.
 * const tab = createApiClient({ baseURL, seams: { clock, locks: sharedLocks, channel: bus.open(), lifecycle: null } });
 * ```
 */
export type Seams = {
  clock: Clock;
  locks: LockManager;
  /** Null when BroadcastChannel is missing: then each tab keeps its own token. */
  channel: Channel | null;
  lifecycle: Lifecycle | null;
};

type LockInfo = { name?: string; clientId?: string };
type LockSnapshot = { held?: LockInfo[]; pending?: LockInfo[] };
type WebLocks = { request<T>(name: string, fn: (lock: unknown) => Promise<T>): Promise<T>; query(): Promise<LockSnapshot> };

/** In a snapshot taken just after this tab queued for `name`: the attempt queued right before it, if any. */
function attemptBefore({ held = [], pending = [] }: LockSnapshot, name: string, tag: string, id: string): string | null {
  const me = held.find((lock) => lock.name === tag + id)?.clientId;
  const queue = [...held, ...pending].filter((lock) => lock.name === name);
  const at = queue.findIndex((lock) => lock.clientId === me);
  const before = me && at > 0 ? queue[at - 1]?.clientId : undefined;
  return held.find((lock) => lock.clientId === before && lock.name?.startsWith(tag))?.name?.slice(tag.length) ?? null;
}

/**
 * Web Locks when the page has them (they need a secure context), else a lock for this tab only.
 *
 * The browser's lock queue is first come, first served, and `locks.query()` lists it with each
 * holder's tab (`clientId`). Each attempt also holds a lock named after its id, from before it queues
 * until after it releases, so the snapshot taken right after queueing names the attempt ahead. No lock
 * outlives its attempt: a page holding a Web Lock cannot enter the back/forward cache.
 *
 * @example
 * ```ts
 * const locks = createLockManager();
 * await locks.run('spa-auth:refresh', attemptId, async (previous) => (previous ? waitForWordOf(previous) : refreshNow()));
 * ```
 */
export function createLockManager(
  locks: WebLocks | undefined = (globalThis.navigator as { locks?: WebLocks } | undefined)?.locks,
): LockManager {
  if (locks) {
    return {
      run: <T>(name: string, id: string, fn: (previous: string | null) => Promise<T>) => {
        const tag = `${name}:attempt:`;
        return locks.request(tag + id, () => {
          let snapshot: Promise<LockSnapshot> | undefined;
          const held = locks.request(name, async () => fn(attemptBefore((await snapshot) ?? {}, name, tag, id)));
          // Queued on the lock manager after the request above, so the snapshot includes it.
          snapshot = locks.query().catch(() => ({}));
          return held;
        });
      },
    };
  }
  // In one tab the client's own single-flight promise already serialises refreshes.
  return { run: (_name, _id, fn) => fn(null) };
}

/**
 * A BroadcastChannel between the tabs of this origin, or null where there is none.
 *
 * @example
 * ```ts
 * const channel = createBroadcastChannel('spa-auth');
 * const stop = channel?.subscribe((message) => console.log('from another tab', message));
 * ```
 */
export function createBroadcastChannel(name: string): Channel | null {
  if (typeof globalThis.BroadcastChannel !== 'function') return null;
  const channel = new BroadcastChannel(name);
  return {
    post: (message) => channel.postMessage(message),
    subscribe(listener) {
      const handler = (event: MessageEvent) => listener(event.data);
      channel.addEventListener('message', handler);
      return () => channel.removeEventListener('message', handler);
    },
    close: () => channel.close(),
  };
}

/**
 * Page resumes: `visibilitychange` to visible, and `pageshow` from the back/forward cache. Null outside a page.
 *
 * @example
 * ```ts
 * const stop = createPageLifecycle()?.onResume((from) => console.log('back from', from));
 * ```
 */
export function createPageLifecycle(): Lifecycle | null {
  const doc = globalThis.document;
  const win = globalThis as unknown as { addEventListener?: typeof addEventListener; removeEventListener?: typeof removeEventListener };
  if (!doc || typeof win.addEventListener !== 'function') return null;
  return {
    onResume(listener) {
      const onVisible = () => {
        if (doc.visibilityState === 'visible') listener('visible');
      };
      const onPageShow = (event: Event) => {
        if ((event as PageTransitionEvent).persisted) listener('bfcache');
      };
      doc.addEventListener('visibilitychange', onVisible);
      win.addEventListener?.('pageshow', onPageShow);
      return () => {
        doc.removeEventListener('visibilitychange', onVisible);
        win.removeEventListener?.('pageshow', onPageShow);
      };
    },
  };
}
