-- Instant facts: a plan may let the acknowledgement carry the table facts of the question, marked
-- preliminary until a certified coder confirms. Off for every plan unless the operator turns it on.
ALTER TABLE plans ADD COLUMN IF NOT EXISTS instant_facts boolean NOT NULL DEFAULT false;
