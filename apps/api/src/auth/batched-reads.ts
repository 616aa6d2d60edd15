import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.ts';

/**
 * Answers read from the shared database and trusted for `staleAfterMs` after the read behind each
 * was sent, so that a change made by another instance is seen here within that time with no
 * message at all. The bearer check's two caches (sessions, API tokens) are made of it.
 */
export type BatchedReads<V> = {
  /** The answer when a fresh one is known (no promise, no microtask); undefined when only `get` can tell. */
  known(key: string): V | undefined;
  /** The fresh answer, or the answer of a read (shared with every lookup that needs the same key). */
  get(key: string): Promise<V>;
  /** An answer that is final on this instance (a revocation): no read replaces it and it never goes stale. */
  pin(key: string, value: V): void;
  /** Drops the answers `drop` picks, and every read in flight, which may have started before the change. */
  forget(drop: (value: V) => boolean): void;
};

/** Keys one query reads at most. */
export const READ_BATCH_MAX = 500;
// How far down the cache (most recently asked first) a read looks for keys to take along: the
// busiest keys are at the top, and the bound keeps a cache of many keys cheap to walk.
const AHEAD_WALK_MAX = 2 * READ_BATCH_MAX;

type Entry<V> = {
  /** The answer of the last read that settled; undefined until one has. */
  known?: V;
  /** When the read behind `known` was sent (+Infinity for a pinned answer). */
  checkedAt: number;
  /** When a lookup last asked: keys asked for since their read are the ones worth reading ahead. */
  askedAt: number;
  /** A read in flight that will answer for this key. */
  reading?: Promise<V>;
};

/**
 * The lookup that finds an answer stale (or none) has its key read again, and the same query takes
 * along every key asked for since its own read whose answer is half as old and worth keeping
 * (`readAhead`): under load one query every `staleAfterMs` keeps every busy key fresh, where a read
 * per key cost a round trip per busy key in that time (hundreds a second for a thousand busy keys).
 * Lookups that need a read in the same turn of the event loop share one query; concurrent lookups
 * of one key share one read. `read` answers for every key it is given, in order.
 */
export function createBatchedReads<V>(options: {
  read: (keys: string[]) => Promise<V[]>;
  readAhead: (value: V) => boolean;
  clock: Clock;
  staleAfterMs: number;
  max: number;
}): BatchedReads<V> {
  const { read, readAhead, clock, staleAfterMs } = options;
  const cache = new LRUCache<string, Entry<V>>({ max: options.max });
  /** Keys that need a read, waiting for the end of this turn of the event loop. */
  const queued = new Map<string, { entry: Entry<V>; settle: (answer: Promise<V>) => void }>();

  const isFresh = (entry: Entry<V>, now: number) => entry.known !== undefined && now - entry.checkedAt < staleAfterMs;

  /** Sends the queued keys, and the busy ones whose answers are half-way stale, in queries of READ_BATCH_MAX. */
  function flush(): void {
    const now = clock.now();
    const batch = new Map<string, Entry<V>>();
    const waiting = [...queued];
    queued.clear();
    for (const [key, { entry }] of waiting) batch.set(key, entry);
    let walked = 0;
    for (const [key, entry] of cache.entries()) {
      if (batch.size >= READ_BATCH_MAX || ++walked > AHEAD_WALK_MAX || now - entry.askedAt >= staleAfterMs) break;
      const inUse = entry.askedAt > entry.checkedAt;
      const halfStale = now - entry.checkedAt >= staleAfterMs / 2;
      if (inUse && halfStale && !entry.reading && entry.known !== undefined && readAhead(entry.known)) batch.set(key, entry);
    }
    const keys = [...batch.keys()];
    const answers = new Map<string, Promise<V>>();
    for (let start = 0; start < keys.length; start += READ_BATCH_MAX) {
      const chunk = keys.slice(start, start + READ_BATCH_MAX);
      const values = read(chunk);
      chunk.forEach((key, i) => {
        const answer = values.then((all) => all[i] as V);
        answers.set(key, answer);
        settleEntry(key, batch.get(key) as Entry<V>, answer, now);
      });
    }
    for (const [key, { settle }] of waiting) settle(answers.get(key) as Promise<V>);
  }

  function settleEntry(key: string, entry: Entry<V>, answer: Promise<V>, sentAt: number): void {
    entry.reading = answer;
    answer.then(
      (value) => {
        entry.reading = undefined;
        // An answer that replaced this entry meanwhile (a pin, a forget) stays.
        if (cache.peek(key) !== entry) return;
        entry.known = value;
        entry.checkedAt = sentAt;
      },
      // A failed read is not cached: an answer that is still fresh stays, any other goes, and the
      // next lookup reads again.
      () => {
        entry.reading = undefined;
        if (cache.peek(key) === entry && !isFresh(entry, clock.now())) cache.delete(key);
      },
    );
  }

  return {
    known(key) {
      const now = clock.now();
      const entry = cache.get(key);
      if (!entry) return undefined;
      entry.askedAt = now;
      return isFresh(entry, now) ? entry.known : undefined;
    },
    get(key) {
      const now = clock.now();
      let entry = cache.get(key);
      if (entry) {
        entry.askedAt = now;
        if (isFresh(entry, now)) return Promise.resolve(entry.known as V);
        if (entry.reading) return entry.reading;
      } else {
        entry = { checkedAt: Number.NEGATIVE_INFINITY, askedAt: now };
        cache.set(key, entry);
      }
      let settle: (answer: Promise<V>) => void = () => {};
      const answer = new Promise<V>((resolve) => {
        settle = resolve;
      });
      entry.reading = answer;
      if (queued.size === 0) setImmediate(flush);
      queued.set(key, { entry, settle });
      return answer;
    },
    pin(key, value) {
      cache.set(key, { known: value, checkedAt: Number.POSITIVE_INFINITY, askedAt: clock.now() });
    },
    forget(drop) {
      for (const [key, entry] of cache.entries()) {
        if (entry.reading || (entry.known !== undefined && drop(entry.known))) cache.delete(key);
      }
    },
  };
}
