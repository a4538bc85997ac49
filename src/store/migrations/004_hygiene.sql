-- Mail hygiene: bounce outcome on the outbound row, and indexes for quota counts and auto-reply limits.
-- RFC 3463 status code of the failed-delivery report that bounced this message (status 'bounced').
ALTER TABLE outbound_messages ADD COLUMN bounce_status text;
ALTER TABLE outbound_messages ADD COLUMN bounced_at timestamptz;
-- "When did this address last get an automatic email of this kind?"
CREATE INDEX outbound_messages_auto ON outbound_messages (to_address, kind, created_at);
-- Quota counts: an account's consultations, or a guest's by address.
CREATE INDEX consultations_account_created ON consultations (account_id, created_at);
CREATE INDEX consultations_guest_created ON consultations (from_address, created_at) WHERE account_id IS NULL;
