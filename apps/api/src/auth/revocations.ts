import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.ts';
import type { Store } from '../store/store.ts';

/** Carries revocations between API instances (Redis pub/sub); optional. */
export type RevocationBus = {
  publish(sessionIds: string[]): Promise<void>;
  subscribe(listener: (sessionIds: string[]) => void): void;
};

export type Revocations = {
  /** Whether the session behind an access token is still live. Cached briefly; see STALE_AFTER_MS. */
  isSessionActive(sessionId: string): Promise<boolean>;
  /** Refuses the sessions' access tokens at once on this instance, and tells the other instances. */
  markRevoked(sessionIds: string[]): Promise<void>;
};

// Another instance's revocation reaches this one within this time even with no bus at all,
// because the cached answer is re-read from the shared database (contract 4: within 5 s).
const STALE_AFTER_MS = 2_000;

type Entry = { active: Promise<boolean>; checkedAt: number };

/**
 * Session liveness for the bearer-token hot path: one database read per session per two seconds
 * at most, concurrent lookups of one session coalesced into one read.
 */
export function createRevocations(options: { store: Store; clock: Clock; bus?: RevocationBus; max?: number }): Revocations {
  const { store, clock, bus } = options;
  const cache = new LRUCache<string, Entry>({ max: options.max ?? 50_000 });
  const forget = (ids: string[]) => {
    for (const id of ids) cache.set(id, { active: Promise.resolve(false), checkedAt: Number.POSITIVE_INFINITY });
  };
  bus?.subscribe(forget);

  return {
    isSessionActive(sessionId) {
      const now = clock.now();
      const cached = cache.get(sessionId);
      if (cached && now - cached.checkedAt < STALE_AFTER_MS) return cached.active;
      const active = store
        .findSession(sessionId)
        .then((session) => session !== null && session.revokedAt === null && session.absoluteExpiresAt.getTime() > now);
      cache.set(sessionId, { active, checkedAt: now });
      // A failed read must not be cached: the next request tries the database again.
      active.catch(() => cache.delete(sessionId));
      return active;
    },
    async markRevoked(sessionIds) {
      if (sessionIds.length === 0) return;
      forget(sessionIds);
      await bus?.publish(sessionIds);
    },
  };
}
