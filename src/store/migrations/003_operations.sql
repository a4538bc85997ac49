-- Operations: escalation marks and raw-message retention.
ALTER TABLE consultations ADD COLUMN escalated_at timestamptz;
ALTER TABLE inbound_messages ADD COLUMN raw_purged_at timestamptz;
-- The date of service a message gave (YYYY-MM-DD), kept apart from the masked text that drafts read.
ALTER TABLE consultation_messages ADD COLUMN date_of_service text;
