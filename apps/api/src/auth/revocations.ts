import type { Clock } from '../clock.ts';
import { createBatchedReads } from './batched-reads.ts';
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

/**
 * Session liveness for the bearer-token hot path: each answer trusted for two seconds after its
 * read was sent, the reads batched (`createBatchedReads`), so that under load one query keeps every
 * busy session fresh. Only live answers are read ahead: an ended session never comes back.
 */
export function createRevocations(options: {
  sessions: Pick<SessionStore, 'findSessions'>;
  clock: Clock;
  bus?: RevocationBus;
  max?: number;
}): Revocations {
  const { sessions, clock, bus } = options;
  const liveness = createBatchedReads<boolean>({
    async read(ids) {
      const now = clock.now();
      const found = new Map((await sessions.findSessions(ids)).map((session) => [session.id, session]));
      return ids.map((id) => {
        const session = found.get(id);
        return session !== undefined && session.revokedAt === null && session.absoluteExpiresAt.getTime() > now;
      });
    },
    readAhead: (isActive) => isActive,
    clock,
    staleAfterMs: STALE_AFTER_MS,
    max: options.max ?? 50_000,
  });
  const markRevokedLocally = (ids: string[]) => {
    for (const id of ids) liveness.pin(id, false);
  };
  bus?.subscribe(markRevokedLocally);

  return {
    isSessionActive: (sessionId) => liveness.get(sessionId),
    knownActivity: (sessionId) => liveness.known(sessionId),
    async markRevoked(sessionIds) {
      if (sessionIds.length === 0) return;
      markRevokedLocally(sessionIds);
      await bus?.publish(sessionIds);
    },
  };
}
