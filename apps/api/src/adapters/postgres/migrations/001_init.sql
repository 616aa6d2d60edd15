CREATE TABLE users (
  id uuid PRIMARY KEY,
  -- Stored trimmed and lower-cased, so the unique index is the case-insensitive comparison.
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('user', 'admin')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz NOT NULL,
  idle_expires_at timestamptz NOT NULL,
  absolute_expires_at timestamptz NOT NULL,
  -- Each rotation moves the session to the next generation of refresh tokens.
  generation integer NOT NULL DEFAULT 0,
  rotated_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_reason text,
  user_agent text
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Split tokens: the cookie is selector.verifier; the selector finds the row, and only a SHA-256
-- of the verifier is kept, compared in constant time. Rows of superseded tokens stay until the
-- session is deleted, so a replay is recognised as theft rather than as an unknown token.
CREATE TABLE refresh_tokens (
  selector text PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  verifier_hash text NOT NULL,
  generation integer NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);
