-- The reviewer console: sessions, magic links, sign-in attempts, presence, notes, paused due clock.

-- Only hashes of session ids and magic-link tokens are kept, so a database dump signs nobody in.
CREATE TABLE console_sessions (
  id_sha256 text PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users(id),
  via text NOT NULL,                -- password | magic_link | signed_link
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,  -- absolute cap, whatever the activity
  ended_at timestamptz
);
CREATE INDEX console_sessions_user ON console_sessions (user_id);

CREATE TABLE magic_links (
  token_sha256 text PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

-- Rate limits count rows here, so they hold across web processes behind a load balancer.
CREATE TABLE login_attempts (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL,               -- password | magic_request | magic_use
  ip text NOT NULL,
  email_sha256 text,
  ok boolean NOT NULL
);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);
CREATE INDEX login_attempts_email ON login_attempts (email_sha256, at);

CREATE TABLE consultation_presence (
  consultation_id integer NOT NULL REFERENCES consultations(id),
  user_id integer NOT NULL REFERENCES users(id),
  seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consultation_id, user_id)
);

CREATE TABLE consultation_notes (
  id serial PRIMARY KEY,
  consultation_id integer NOT NULL REFERENCES consultations(id),
  user_id integer NOT NULL REFERENCES users(id),
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consultation_notes_consultation ON consultation_notes (consultation_id, id);

-- The due clock stops while we wait on the customer: paused_at marks the stop, paused_seconds sums
-- the finished pauses (due_at is moved forward by each one when it ends).
ALTER TABLE consultations ADD COLUMN paused_at timestamptz;
ALTER TABLE consultations ADD COLUMN paused_seconds integer NOT NULL DEFAULT 0;
ALTER TABLE consultations ADD COLUMN rejected_reason text;
