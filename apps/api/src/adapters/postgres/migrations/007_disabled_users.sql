-- An admin can disable an account: it cannot sign in or refresh, and its sessions end at once.
ALTER TABLE users ADD COLUMN disabled_at timestamptz;
-- The admin list pages by (created_at, id).
CREATE INDEX users_created_at_id_idx ON users (created_at, id);
