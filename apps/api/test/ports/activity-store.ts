import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ActivityRecord, ActivityStore } from '../../src/activity/activity.ts';
import type { UserStore } from '../../src/users/users.ts';
import { storedUser } from '../support.ts';

/** The activity log port's contract: every adapter runs it (test/adapters). */
export function testActivityStore(setup: () => Promise<{ users: UserStore; activity: ActivityStore }>): void {
  const T0 = new Date('2026-03-01T12:00:00Z');
  const at = (ms: number) => new Date(T0.getTime() + ms);
  const newUser = async (users: UserStore) => (await storedUser(users, T0, 'log')).id;
  const event = (userId: string, occurredAt: Date, overrides: Partial<ActivityRecord> = {}): ActivityRecord => ({
    id: randomUUID(),
    userId,
    type: 'signed_in',
    occurredAt,
    ip: '203.0.113.7',
    userAgent: 'Test/1.0',
    sessionId: null,
    detail: null,
    ...overrides,
  });

  describe('the activity log port', () => {
    it("when events are recorded, then the user's are listed newest first, ties by id, and a cursor continues after one", async () => {
      const { users, activity } = await setup();
      const userId = await newUser(users);
      const other = await newUser(users);
      const recorded = [
        event(userId, at(0)),
        event(userId, at(1000)),
        event(userId, at(1000)),
        event(userId, at(2000)),
        event(other, at(3000)),
      ];
      for (const e of recorded) await activity.recordActivity(e);
      const all = await activity.listActivity(userId, { limit: 10 });
      const expected = recorded
        .filter((e) => e.userId === userId)
        .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : -1));
      expect(all).toEqual(expected);
      const firstTwo = await activity.listActivity(userId, { limit: 2 });
      const rest = await activity.listActivity(userId, { after: firstTwo[1] as ActivityRecord, limit: 10 });
      expect([...firstTwo, ...rest]).toEqual(expected);
    });

    it('when the user does not exist (deleted meanwhile), then recording does nothing and does not fail', async () => {
      const { activity } = await setup();
      const ghost = randomUUID();
      await activity.recordActivity(event(ghost, at(0)));
      expect(await activity.listActivity(ghost, { limit: 10 })).toEqual([]);
      expect(await activity.listActivity('not-a-uuid', { limit: 10 })).toEqual([]);
    });

    it('when events are older than the cut-off, then they are deleted in batches and newer ones stay', async () => {
      const { users, activity } = await setup();
      const userId = await newUser(users);
      // Long before any other test's events, so the cut-off reaches only these.
      const old = new Date('2001-01-01T00:00:00Z');
      for (let i = 0; i < 3; i++) await activity.recordActivity(event(userId, old));
      await activity.recordActivity(event(userId, at(0)));
      const cutoff = new Date('2001-01-02T00:00:00Z');
      expect(await activity.deleteActivityBefore(cutoff, 2)).toBe(2);
      expect(await activity.deleteActivityBefore(cutoff, 2)).toBe(1);
      expect(await activity.deleteActivityBefore(cutoff, 2)).toBe(0);
      expect((await activity.listActivity(userId, { limit: 10 })).map((e) => e.occurredAt)).toEqual([at(0)]);
    });
  });
}
