-- Every refresh token of a session shares a family: the first 16 characters of its selector (12
-- bytes). Rotation deletes the family's tokens older than the previous generation, so a session
-- keeps a bounded number of rows, and a replayed pruned token is still recognised through its family
-- (which always keeps its newest rows). Selectors issued before families existed are random; their
-- "family" matches nothing else, and rotation never prunes them.
ALTER TABLE refresh_tokens ADD COLUMN family text GENERATED ALWAYS AS (left(selector, 16)) STORED;
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family);

-- Tokens issued at the session's current generation: 1 after a forward rotation, one more per
-- grace sibling. Siblings are capped so that a burst of retries cannot grow a session's storage.
ALTER TABLE sessions ADD COLUMN generation_tokens integer NOT NULL DEFAULT 1;

-- A session ends at the earliest of its idle end, absolute end and revocation; the retention job
-- deletes by this expression, so it is indexed as written there.
CREATE INDEX sessions_ended_at_idx ON sessions (LEAST(idle_expires_at, absolute_expires_at, COALESCE(revoked_at, 'infinity'::timestamptz)));
