-- The secret each session's offline journal key is derived from (HMAC-SHA256 over the session id),
-- made once by the first replica to start, so that every replica gives a session the same key and
-- can check the journal a proctor uploads, after any restart. It never leaves delivery.
CREATE TABLE delivery_journal_secret (
    id         SMALLINT    NOT NULL PRIMARY KEY CHECK (id = 1),
    secret     BYTEA       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- How many uploaded offline journals of a session wait for a proctor's decision.
ALTER TABLE live_session ADD COLUMN IF NOT EXISTS undecided_journals INTEGER NOT NULL DEFAULT 0;
