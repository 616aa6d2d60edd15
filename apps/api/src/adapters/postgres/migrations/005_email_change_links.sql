-- Links that confirm a new address before it replaces the old one. `email` holds the new address.
ALTER TABLE email_links DROP CONSTRAINT email_links_purpose_check;
ALTER TABLE email_links ADD CONSTRAINT email_links_purpose_check CHECK (purpose IN ('verify_email', 'reset_password', 'change_email'));
