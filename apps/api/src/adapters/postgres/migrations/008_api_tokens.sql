-- API tokens (personal access tokens): only the SHA-256 of each token is kept. Deleted with the
-- account, and by the retention job a while after they were revoked or expired.
CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  scopes text[] NOT NULL,
  display_prefix text NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  last_used_at timestamptz,
  last_used_ip text,
  -- The latest addresses the token was used from, to report the first use from a new one.
  known_ips text[] NOT NULL DEFAULT '{}',
  revoked_at timestamptz,
  expiry_noted boolean NOT NULL DEFAULT false
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);
-- The expiry sweep and the retention job look for ended tokens.
CREATE INDEX api_tokens_expires_at_idx ON api_tokens (expires_at) WHERE NOT expiry_noted;
-- LEAST skips a NULL: a token ends when it is revoked or when it expires, whichever came first.
CREATE INDEX api_tokens_ended_idx ON api_tokens (LEAST(revoked_at, expires_at));
