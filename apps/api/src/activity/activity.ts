import type { ActivityType } from '@spa-auth/contract';

export type { ActivityType };

export type ActivityRecord = {
  id: string;
  userId: string;
  type: ActivityType;
  occurredAt: Date;
  ip: string | null;
  userAgent: string | null;
  sessionId: string | null;
  /** A short, non-secret detail (the new address of an email change, how many sessions ended). */
  detail: string | null;
};

/** Where a page of the log starts: after this event, newest first. */
export type ActivityCursor = { occurredAt: Date; id: string };

/**
 * The activity log's port, owned by this feature. test/ports/activity-store.ts is the suite every
 * adapter passes.
 */
export type ActivityStore = {
  recordActivity(entry: ActivityRecord): Promise<void>;
  /** Up to `limit` events of the user, newest first, after `after` when given. */
  listActivity(userId: string, options: { after?: ActivityCursor; limit: number }): Promise<ActivityRecord[]>;
  /** Deletes up to `limit` events older than `before`; returns how many. */
  deleteActivityBefore(before: Date, limit: number): Promise<number>;
};
