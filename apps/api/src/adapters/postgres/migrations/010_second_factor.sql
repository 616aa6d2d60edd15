-- How the person proved it at the session's authenticated_at (RFC 8176 amr values): 'pwd', and
-- with a second factor also 'otp' and 'mfa'. Access tokens carry it as amr, and acr from it.
-- Existing sessions were signed in with a password.
ALTER TABLE sessions ADD COLUMN amr text[] NOT NULL DEFAULT '{pwd}';

-- An authenticator app (TOTP, RFC 6238): its secret encrypted with AES-256-GCM under
-- MFA_ENCRYPTION_KEY, never in clear. Pending until a first code confirms it (confirmed_at).
-- last_used_step is the time step of the last code accepted: that step and every earlier one are
-- refused afterwards, so a code works once.
CREATE TABLE totp_factors (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret_encrypted bytea NOT NULL,
  created_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  last_used_step bigint
);

-- One-time recovery codes: only their SHA-256 is kept.
CREATE TABLE recovery_codes (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash bytea NOT NULL,
  created_at timestamptz NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

-- The first step of a sign-in with a second factor: a single-use challenge (its SHA-256 only),
-- bound to the user and to the password hash it was checked against (password_fingerprint), which
-- the second step completes. In the database so that any instance can complete it.
CREATE TABLE sign_in_challenges (
  challenge_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  password_fingerprint text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  used_at timestamptz
);
CREATE INDEX sign_in_challenges_expires_at_idx ON sign_in_challenges (expires_at);
