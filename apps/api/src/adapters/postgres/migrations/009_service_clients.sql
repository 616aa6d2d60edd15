-- Service clients (OAuth 2.0 client credentials) that may introspect tokens: only the SHA-256 of
-- each secret is kept. A revoked client stays, so that its id is never handed out again.
CREATE TABLE service_clients (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  secret_hash bytea NOT NULL,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX service_clients_live_idx ON service_clients (created_at DESC) WHERE revoked_at IS NULL;
