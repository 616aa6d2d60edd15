-- Email verification. Accounts that existed before verification did count as verified: nothing
-- could have verified them, and locking their owners out of routes that require it would be worse.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
UPDATE users SET email_verified_at = created_at;

-- Links sent by email (verify an address, reset a password). Only a SHA-256 of the 256-bit token is
-- kept. `email` is the address the link was sent to: a verification only counts for that address.
-- `password_fingerprint` (a SHA-256 of the password hash when the link was made) voids a reset link
-- once the password changes by any means. Used links stay until they expire, so a second use is
-- told apart from a link that never existed.
CREATE TABLE email_links (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
  email text NOT NULL,
  password_fingerprint text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX email_links_user_id_idx ON email_links (user_id);
CREATE INDEX email_links_expires_at_idx ON email_links (expires_at);
