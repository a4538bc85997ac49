-- The sweeper's raw-message purge runs every SWEEP_INTERVAL_SECONDS: without an index it read the
-- whole inbound table each time. Purged rows leave this partial index, so it stays as small as the
-- retention window.
CREATE INDEX inbound_messages_unpurged ON inbound_messages (received_at) WHERE raw_purged_at IS NULL;
