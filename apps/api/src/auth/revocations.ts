import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.ts';
import type { SessionStore } from './session-store.ts';

/** Carries revocations between API instances (Redis pub/sub); optional. */
export type RevocationBus = {
  publish(sessionIds: string[]): Promise<void>;
  subscribe(listener: (sessionIds: string[]) => void): void;
};

export type Revocations = {
  /** Whether the session behind an access token is still live. Cached briefly; see STALE_AFTER_MS. */
  isSessionActive(sessionId: string): Promise<boolean>;
  /**
   * The same answer without waiting, when a fresh one is already known; undefined when only
   * isSessionActive can tell. Lets the bearer check skip a promise and a microtask per request.
   */
  knownActivity(sessionId: string): boolean | undefined;
  /** Refuses the sessions' access tokens at once on this instance, and tells the other instances. */
  markRevoked(sessionIds: string[]): Promise<void>;
};

// Another instance's revocation reaches this one within this time even with no bus at all,
// because the cached answer is re-read from the shared database (requirement 4: within 5 s).
const STALE_AFTER_MS = 2_000;

// `known` is the answer once the read has settled; until then only `active` can tell.
type Entry = { active: Promise<boolean>; known?: boolean; checkedAt: number };

/**
 * Session liveness for the bearer-token hot path: one database read per session per two seconds
 * at most, concurrent lookups of one session coalesced into one read.
 */
export function createRevocations(options: {
  sessions: Pick<SessionStore, 'findSession'>;
  clock: Clock;
  bus?: RevocationBus;
  max?: number;
}): Revocations {
  const { sessions, clock, bus } = options;
  const cache = new LRUCache<string, Entry>({ max: options.max ?? 50_000 });
  const markRevokedLocally = (ids: string[]) => {
    for (const id of ids) cache.set(id, { active: Promise.resolve(false), known: false, checkedAt: Number.POSITIVE_INFINITY });
  };
  const fresh = (sessionId: string, now: number) => {
    const cached = cache.get(sessionId);
    return cached && now - cached.checkedAt < STALE_AFTER_MS ? cached : undefined;
  };
  bus?.subscribe(markRevokedLocally);

  return {
    isSessionActive(sessionId) {
      const now = clock.now();
      const cached = fresh(sessionId, now);
      if (cached) return cached.active;
      const active = sessions
        .findSession(sessionId)
        .then((session) => session !== null && session.revokedAt === null && session.absoluteExpiresAt.getTime() > now);
      const entry: Entry = { active, checkedAt: now };
      cache.set(sessionId, entry);
      active.then(
        (isActive) => {
          entry.known = isActive;
        },
        // A failed read must not be cached: the next request tries the database again. Only this
        // entry goes: a revocation that replaced it meanwhile stays.
        () => {
          if (cache.peek(sessionId) === entry) cache.delete(sessionId);
        },
      );
      return active;
    },
    knownActivity(sessionId) {
      return fresh(sessionId, clock.now())?.known;
    },
    async markRevoked(sessionIds) {
      if (sessionIds.length === 0) return;
      markRevokedLocally(sessionIds);
      await bus?.publish(sessionIds);
    },
  };
}
