import type { ActivityRecord, ActivityStore } from '../../activity/activity.ts';
import type { Database } from './database.ts';
import { deleteBatch, UUID } from './query.ts';

const ACTIVITY_COLUMNS = `id, user_id AS "userId", type, occurred_at AS "occurredAt", ip, user_agent AS "userAgent",
  session_id AS "sessionId", detail`;

/** The activity log's port on PostgreSQL (a server through pg, or embedded PGlite). */
export function createPostgresActivityStore(db: Database): ActivityStore {
  return {
    async recordActivity(e) {
      await db.query(
        `INSERT INTO security_events (id, user_id, type, occurred_at, ip, user_agent, session_id, detail)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM users WHERE id = $2)`,
        [e.id, e.userId, e.type, e.occurredAt, e.ip, e.userAgent, e.sessionId, e.detail],
      );
    },

    async listActivity(userId, { after, limit }) {
      if (!UUID.test(userId)) return [];
      // Row comparison: strictly after the cursor in (occurred_at DESC, id DESC) order, on the index.
      const { rows } = after
        ? await db.query<ActivityRecord>(
            `SELECT ${ACTIVITY_COLUMNS} FROM security_events WHERE user_id = $1 AND (occurred_at, id) < ($2, $3::uuid)
             ORDER BY occurred_at DESC, id DESC LIMIT $4`,
            [userId, after.occurredAt, after.id, limit],
          )
        : await db.query<ActivityRecord>(
            `SELECT ${ACTIVITY_COLUMNS} FROM security_events WHERE user_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2`,
            [userId, limit],
          );
      return rows;
    },

    deleteActivityBefore: (before, limit) =>
      deleteBatch(db, { name: 'security_events', key: 'id', where: 'occurred_at < $1' }, before, limit),
  };
}
