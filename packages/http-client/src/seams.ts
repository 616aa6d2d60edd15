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
 * the id of the attempt that held the lock last before this one, when that attempt took it after this
 * lock manager was made (so this tab was listening when its holder posted its word); null when no
 * attempt did, or when the lock cannot tell. The client's holder posts its word, tagged with its id,
 * before it releases the lock, so the next holder knows exactly which word to wait for, whether it
 * queued behind that holder or came just after it.
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

type WebLocks = { request<T>(name: string, fn: (lock: unknown) => Promise<T>): Promise<T> };
/** The last holder of each lock, by lock name. */
type Holders = Record<string, string>;

/** The result of an IndexedDB request, once it has succeeded. */
const resultOf = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = reject;
  });

/**
 * Reads the last holder of every lock and, given `name` and `id`, records `id` as the last holder of
 * `name` in the same transaction. Once the read is back the transaction is running, so any
 * transaction another tab opens later sees the record. Null when IndexedDB cannot be used here.
 */
async function swapHolders(database: IDBFactory, name?: string, id?: string): Promise<Holders | null> {
  try {
    const open = database.open('spa-auth-locks');
    open.onupgradeneeded = () => open.result.createObjectStore('holders');
    const db = await resultOf(open);
    const store = db.transaction('holders', id ? 'readwrite' : 'readonly').objectStore('holders');
    const holders: Holders = (await resultOf(store.get('last'))) ?? {};
    if (name && id) store.put({ ...holders, [name]: id }, 'last');
    db.close();
    return holders;
  } catch {
    return null;
  }
}

/**
 * Web Locks when the page has them (they need a secure context), else a lock for this tab only.
 *
 * Who held a lock last is kept in IndexedDB (the attempt ids only, never a token), read and written
 * by each holder in one transaction while it holds the lock. A tab that queued just after the holder
 * released, before the holder's word reached it, so still learns which word to wait for: the lock's
 * queue alone cannot tell it, and the word and the lock grant travel separately. An attempt recorded
 * before this lock manager was made is not named: this tab may not have been listening for its word.
 * No lock outlives its attempt: a page holding a Web Lock cannot enter the back/forward cache.
 *
 * @example
 * ```ts
 * const locks = createLockManager();
 * await locks.run('spa-auth:refresh', attemptId, async (previous) => (previous ? waitForWordOf(previous) : refreshNow()));
 * ```
 */
export function createLockManager(
  locks: WebLocks | undefined = (globalThis.navigator as { locks?: WebLocks } | undefined)?.locks,
  database: IDBFactory | undefined = globalThis.indexedDB,
): LockManager {
  if (locks) {
    const before = database ? swapHolders(database) : null;
    return {
      run: (name, id, fn) =>
        locks.request(name, async () => {
          // The record as this tab found it first, read before this tab writes to it.
          const seen = (await before)?.[name];
          const last = database && (await swapHolders(database, name, id))?.[name];
          return fn(last && last !== seen ? last : null);
        }),
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
