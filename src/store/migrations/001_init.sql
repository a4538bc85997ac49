-- The system of record. Runs unchanged on PostgreSQL and PGlite.

CREATE TABLE plans (
  name text PRIMARY KEY,
  monthly_quota integer,          -- NULL = unlimited
  total_quota integer,            -- NULL = no lifetime cap
  due_hours integer NOT NULL
);
INSERT INTO plans (name, monthly_quota, total_quota, due_hours) VALUES
  ('guest', NULL, 1, 48),
  ('free', 5, NULL, 24),
  ('pro', NULL, NULL, 4);

CREATE TABLE accounts (
  id serial PRIMARY KEY,
  name text NOT NULL,
  domain text UNIQUE,             -- every sender at this domain belongs to the account
  plan text NOT NULL REFERENCES plans(name) DEFAULT 'free',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contacts (
  id serial PRIMARY KEY,
  email text NOT NULL UNIQUE,     -- lower case
  name text,
  account_id integer REFERENCES accounts(id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id serial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('reviewer', 'lead', 'admin')),
  specialties text[] NOT NULL DEFAULT '{}',
  capacity integer NOT NULL DEFAULT 20,
  active boolean NOT NULL DEFAULT true,
  available boolean NOT NULL DEFAULT true,
  password_hash text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
  id serial PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users(id),
  token_sha256 text NOT NULL UNIQUE,  -- only the hash is kept
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

CREATE TABLE mailbox_cursors (
  mailbox text PRIMARY KEY,
  uidvalidity bigint NOT NULL,
  last_uid bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Raw bytes as received, durable before anything else happens to the message.
CREATE TABLE inbound_messages (
  id serial PRIMARY KEY,
  mailbox text NOT NULL,
  uidvalidity bigint NOT NULL DEFAULT 0,
  uid bigint NOT NULL,              -- IMAP UID, or a per-file sequence for Maildir
  source_key text,                  -- Maildir file name
  sha256 text NOT NULL UNIQUE,
  raw bytea NOT NULL,
  size integer NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'received'
    CHECK (status IN ('received', 'processed', 'ignored', 'duplicate', 'quarantined', 'failed', 'discarded')),
  kind text,
  reason text,
  error text,
  message_id text,
  attempts integer NOT NULL DEFAULT 0,
  consultation_id integer,
  processed_at timestamptz,
  UNIQUE (mailbox, uidvalidity, uid)
);
CREATE INDEX inbound_messages_status ON inbound_messages (status, id);

CREATE SEQUENCE ticket_seq START 1;

CREATE TABLE consultations (
  id serial PRIMARY KEY,
  ticket_no integer NOT NULL UNIQUE DEFAULT nextval('ticket_seq'),
  status text NOT NULL CHECK (status IN ('received', 'drafting', 'awaiting_review', 'waiting_on_customer',
                                          'approved', 'sent', 'ignored', 'rejected', 'failed', 'closed')),
  round integer NOT NULL DEFAULT 1,
  subject text NOT NULL,            -- PHI-masked
  from_address text NOT NULL,
  from_name text,
  contact_id integer REFERENCES contacts(id),
  account_id integer REFERENCES accounts(id),
  specialty text,
  assignee_id integer REFERENCES users(id),
  reply_token text NOT NULL UNIQUE,
  root_message_id text,
  root_references text,
  due_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consultations_status ON consultations (status, due_at);

-- The thread: every message in or out of a consultation, text PHI-masked.
CREATE TABLE consultation_messages (
  id serial PRIMARY KEY,
  consultation_id integer NOT NULL REFERENCES consultations(id),
  direction text NOT NULL CHECK (direction IN ('in', 'out')),
  inbound_id integer UNIQUE REFERENCES inbound_messages(id),
  outbound_id integer UNIQUE,
  message_id text,
  references_header text,           -- as received, so a reply can extend the chain
  subject text NOT NULL,
  body_text text NOT NULL,
  phi_kinds text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX consultation_messages_in_message_id ON consultation_messages (message_id) WHERE direction = 'in' AND message_id IS NOT NULL;
CREATE INDEX consultation_messages_message_id ON consultation_messages (message_id);
CREATE INDEX consultation_messages_consultation ON consultation_messages (consultation_id, id);

CREATE TABLE drafts (
  id serial PRIMARY KEY,
  consultation_id integer NOT NULL REFERENCES consultations(id),
  round integer NOT NULL,
  version integer NOT NULL,
  subject text NOT NULL,
  body_text text NOT NULL,
  facts jsonb NOT NULL DEFAULT '{}',
  author_id integer REFERENCES users(id),    -- NULL = the drafting engine
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (consultation_id, round, version)
);

CREATE TABLE reviews (
  id serial PRIMARY KEY,
  consultation_id integer NOT NULL REFERENCES consultations(id),
  draft_id integer REFERENCES drafts(id),
  user_id integer NOT NULL REFERENCES users(id),
  action text NOT NULL,
  note text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The outbox: a row, with its Message-ID, exists before anything is sent.
CREATE TABLE outbound_messages (
  id serial PRIMARY KEY,
  consultation_id integer REFERENCES consultations(id),
  kind text NOT NULL,               -- ack | answer | notify | request_info | quota | ...
  dedup_key text NOT NULL UNIQUE,   -- one row per logical send, whatever retries happen
  message_id text NOT NULL UNIQUE,
  to_address text NOT NULL,
  subject text NOT NULL,
  in_reply_to text,
  references_header text,
  headers jsonb NOT NULL DEFAULT '{}',
  body_text text NOT NULL,
  body_html text,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'bounced', 'suppressed')),
  attempts integer NOT NULL DEFAULT 0,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX outbound_messages_status ON outbound_messages (status, id);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_id integer REFERENCES users(id),
  action text NOT NULL,
  consultation_id integer,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_consultation ON audit_log (consultation_id, id);
