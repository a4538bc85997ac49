-- Several mailboxes, OAuth2 sign-in and poller failover.

-- Mailboxes added with `caseconsultant mailboxes add` or the admin page (IMAP_URL stays the
-- one-mailbox shortcut and has no row). key is the mailbox's identity everywhere else
-- (inbound_messages.mailbox, mailbox_cursors, the poller's lease): imap:<user>@<host>:<port>/<folder>.
-- Secrets are sealed with the raw-mail key (src/secret-box.ts); NULL when the auth needs none.
CREATE TABLE mailboxes (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  key text NOT NULL UNIQUE,
  imap_url text NOT NULL,              -- without password
  imap_auth text NOT NULL CHECK (imap_auth IN ('password', 'oauth2')),
  imap_password bytea,
  smtp_url text,                       -- NULL: the deployment's SMTP_URL
  smtp_auth text CHECK (smtp_auth IN ('password', 'oauth2')),
  smtp_password bytea,
  oauth2_token_url text,
  oauth2_client_id text,
  oauth2_client_secret bytea,
  oauth2_refresh_token bytea,
  oauth2_scope text,
  from_address text NOT NULL,          -- "Name <address>" of replies to questions that came here
  archive_mailbox text,
  sent_mailbox text,                   -- where its provider files sent mail; NULL: IMAP_SENT_MAILBOX
  default_specialty text,
  default_plan text REFERENCES plans(name),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Refresh tokens a provider rotated (Microsoft does), per credential; seed_sha256 names the
-- configured token the chain started from, so a newly configured one wins over an old chain.
CREATE TABLE oauth2_refresh_tokens (
  key text PRIMARY KEY,
  seed_sha256 text NOT NULL,
  token bytea NOT NULL,
  rotated_at timestamptz NOT NULL DEFAULT now()
);

-- The same message delivered to two of our mailboxes is two arrivals (one per mailbox); within a
-- mailbox its hash still dedups a renumbered (new UIDVALIDITY) copy. Message-ID dedup at ingest
-- keeps it one consultation.
ALTER TABLE inbound_messages DROP CONSTRAINT inbound_messages_sha256_key;
CREATE UNIQUE INDEX inbound_messages_mailbox_sha256 ON inbound_messages (mailbox, sha256);

-- Which mailbox a consultation came to, and which mailbox an outbound message leaves from (NULL:
-- the consultation's): a reply always goes out from the mailbox the question came to.
ALTER TABLE consultations ADD COLUMN mailbox text;
ALTER TABLE outbound_messages ADD COLUMN mailbox text;

-- The fencing token of the poller lease that last moved the cursor: a poller whose lease has passed
-- to another (a lower token) can no longer move it.
ALTER TABLE mailbox_cursors ADD COLUMN fence bigint NOT NULL DEFAULT 0;
