-- The event store every service shares: Axon's domain events, payloads as bytea, each with its
-- hash in its aggregate's chain (io.amphi.platform.audit.EventHashes; the event's metadata
-- carries its predecessor's). Column names match AxonPostgresAutoConfiguration.EVENT_SCHEMA.
-- Snapshots and tracking tokens are not shared: each service keeps its own in its own schema.
CREATE TABLE domain_event_entry (
    global_index         BIGSERIAL    NOT NULL PRIMARY KEY,
    event_identifier     VARCHAR(255) NOT NULL UNIQUE,
    aggregate_identifier VARCHAR(255) NOT NULL,
    sequence_number      BIGINT       NOT NULL,
    type                 VARCHAR(255),
    time_stamp           VARCHAR(255) NOT NULL,
    payload_type         VARCHAR(255) NOT NULL,
    payload_revision     VARCHAR(255),
    payload              BYTEA        NOT NULL,
    meta_data            BYTEA,
    chain_hash           BYTEA,
    -- The last line of defence: two nodes can never both append event n of one aggregate.
    CONSTRAINT domain_event_entry_aggregate_sequence UNIQUE (aggregate_identifier, sequence_number)
);
