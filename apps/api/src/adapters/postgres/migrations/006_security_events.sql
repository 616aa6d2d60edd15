-- The security activity log: what happened to an account, when, from where. Deleted with the
-- account, and after ACTIVITY_RETENTION by the retention job.
CREATE TABLE security_events (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type text NOT NULL,
  occurred_at timestamptz NOT NULL,
  ip text,
  user_agent text,
  session_id uuid,
  detail text
);
-- Newest first per user, with the id as the tie-breaker of the cursor.
CREATE INDEX security_events_user_idx ON security_events (user_id, occurred_at DESC, id DESC);
CREATE INDEX security_events_occurred_at_idx ON security_events (occurred_at);
