-- Passkeys (WebAuthn credentials): the public key (COSE), never a private one. credential_id is the
-- id the authenticator chose (base64url), unique across accounts; counter is the authenticator's
-- signature counter at the last use, which only moves forward (0 for authenticators without one).
-- device_type is WebAuthn's backup eligibility (multiDevice: synced), backed_up its backup state.
CREATE TABLE passkeys (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  credential_id text NOT NULL UNIQUE,
  public_key bytea NOT NULL,
  counter bigint NOT NULL,
  transports text[] NOT NULL DEFAULT '{}',
  device_type text NOT NULL CHECK (device_type IN ('singleDevice', 'multiDevice')),
  backed_up boolean NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz
);
CREATE INDEX passkeys_user_id_idx ON passkeys (user_id, created_at);

-- The ceremonies passkey options started: the SHA-256 of the id the browser got, what it is for
-- (kind, and the user for all but a sign-in with no email typed) and the WebAuthn challenge. Used
-- once (used_at), for five minutes; in the database so that any instance can complete it.
CREATE TABLE passkey_ceremonies (
  ceremony_hash bytea PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('registration', 'sign_in', 'second_step', 'reauthentication')),
  user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  challenge text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX passkey_ceremonies_expires_at_idx ON passkey_ceremonies (expires_at);
