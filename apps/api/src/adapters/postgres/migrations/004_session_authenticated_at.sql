-- When the person behind the session last proved it with a password (sign-in, reset,
-- re-authentication). Access tokens carry it as auth_time; sensitive actions require it to be
-- recent. Existing sessions count from their sign-in.
ALTER TABLE sessions ADD COLUMN authenticated_at timestamptz;
UPDATE sessions SET authenticated_at = created_at;
ALTER TABLE sessions ALTER COLUMN authenticated_at SET NOT NULL;
