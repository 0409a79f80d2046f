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
