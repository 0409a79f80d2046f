-- Published exam content: insert-only. A (exam, version) row never changes once written.
CREATE TABLE exam_content (
    exam_id        VARCHAR(64) NOT NULL,
    version        INTEGER     NOT NULL,
    title          TEXT        NOT NULL,
    content_json   BYTEA       NOT NULL,
    content_sha256 CHAR(64)    NOT NULL,
    published_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (exam_id, version)
);

-- When an exam may be started. Rescheduling replaces the window.
CREATE TABLE exam_schedule (
    exam_id    VARCHAR(64) NOT NULL PRIMARY KEY,
    opens_at   TIMESTAMPTZ NOT NULL,
    closes_at  TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK (closes_at > opens_at)
);

-- Candidates admitted to an exam, with their extra time (an accommodation).
CREATE TABLE exam_enrolment (
    exam_id            VARCHAR(64) NOT NULL,
    candidate_id       VARCHAR(64) NOT NULL,
    extra_time_seconds INTEGER     NOT NULL DEFAULT 0 CHECK (extra_time_seconds >= 0),
    PRIMARY KEY (exam_id, candidate_id)
);

-- Fed by the session-deadlines event processor; read by the automatic submitter.
CREATE TABLE session_deadline (
    session_id VARCHAR(140) NOT NULL PRIMARY KEY,
    deadline   TIMESTAMPTZ  NOT NULL,
    submitted  BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX session_deadline_due ON session_deadline (deadline) WHERE NOT submitted;

-- This service's own Axon tables, beside its read models: the snapshots of its aggregates (a
-- cache: an aggregate loads from its latest snapshot plus the events after it) and the tracking
-- tokens of its event processors. Column names match AxonPostgresAutoConfiguration.
CREATE TABLE snapshot_event_entry (
    aggregate_identifier VARCHAR(255) NOT NULL,
    sequence_number      BIGINT       NOT NULL,
    type                 VARCHAR(255) NOT NULL,
    event_identifier     VARCHAR(255) NOT NULL UNIQUE,
    time_stamp           VARCHAR(255) NOT NULL,
    payload_type         VARCHAR(255) NOT NULL,
    payload_revision     VARCHAR(255),
    payload              BYTEA        NOT NULL,
    meta_data            BYTEA,
    PRIMARY KEY (aggregate_identifier, sequence_number)
);

CREATE TABLE token_entry (
    processor_name VARCHAR(255) NOT NULL,
    segment        INTEGER      NOT NULL,
    token          BYTEA,
    token_type     VARCHAR(255),
    time_stamp     VARCHAR(255),
    owner          VARCHAR(255),
    PRIMARY KEY (processor_name, segment)
);
