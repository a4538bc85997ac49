-- This database's identity, generated once. The queues live in Redis under QUEUE_PREFIX:<id>: job ids
-- are row ids, which a new database reuses, so a reset database must never meet the jobs of the one
-- before it (they would stand for rows they are not, and hold the new rows back).
CREATE TABLE installation (
  id text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  one_row boolean NOT NULL DEFAULT true UNIQUE CHECK (one_row)
);
INSERT INTO installation (id) VALUES (substr(md5(random()::text || clock_timestamp()::text), 1, 12));
