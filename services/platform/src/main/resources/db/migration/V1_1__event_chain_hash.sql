-- Each event's hash in its aggregate's chain (io.amphi.platform.audit.EventHashes); the event's
-- metadata carries its predecessor's. Events stored before chaining keep NULL.
ALTER TABLE domain_event_entry ADD COLUMN chain_hash BYTEA;
