-- The scoring service's read model, rebuilt from the event log at will (every table here is
-- emptied and refilled by a replay). Points have three decimals, as the rule sets give them.

CREATE TABLE scoring_session (
    session_id      VARCHAR(200) NOT NULL PRIMARY KEY,
    exam_id         VARCHAR(64)  NOT NULL,
    candidate_id    VARCHAR(64)  NOT NULL,
    content_version INT          NOT NULL,
    submitted_at    TIMESTAMPTZ,
    last_sequence   BIGINT,
    last_event_hash BYTEA
);
CREATE INDEX scoring_session_exam ON scoring_session (exam_id, session_id);

-- The last answer of each question of each session, as the event log holds it (JSON).
CREATE TABLE scoring_answer (
    session_id  VARCHAR(200) NOT NULL,
    question_id VARCHAR(100) NOT NULL,
    answer_json TEXT         NOT NULL,
    PRIMARY KEY (session_id, question_id)
);

CREATE TABLE scoring_key (
    exam_id         VARCHAR(64) NOT NULL,
    key_version     INT         NOT NULL,
    content_version INT         NOT NULL,
    rule_set        VARCHAR(64) NOT NULL,
    key_json        TEXT        NOT NULL,
    reason          TEXT        NOT NULL,
    published_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (exam_id, key_version)
);

-- Each submitted session's result under its exam's latest key, with its provenance.
CREATE TABLE scoring_result (
    session_id      VARCHAR(200)   NOT NULL PRIMARY KEY,
    exam_id         VARCHAR(64)    NOT NULL,
    candidate_id    VARCHAR(64)    NOT NULL,
    content_version INT            NOT NULL,
    key_version     INT            NOT NULL,
    rule_set        VARCHAR(64)    NOT NULL,
    total           NUMERIC(12, 3) NOT NULL,
    max_total       NUMERIC(12, 3) NOT NULL,
    last_sequence   BIGINT         NOT NULL,
    last_event_hash BYTEA          NOT NULL
);
CREATE INDEX scoring_result_exam ON scoring_result (exam_id, total DESC, candidate_id);

CREATE TABLE scoring_question_score (
    session_id  VARCHAR(200)   NOT NULL,
    position    INT            NOT NULL,
    question_id VARCHAR(100)   NOT NULL,
    points      NUMERIC(12, 3) NOT NULL,
    max_points  NUMERIC(12, 3) NOT NULL,
    PRIMARY KEY (session_id, position)
);

-- What each key version changed, question by question and rank by rank.
CREATE TABLE scoring_question_change (
    exam_id      VARCHAR(64)    NOT NULL,
    key_version  INT            NOT NULL,
    candidate_id VARCHAR(64)    NOT NULL,
    question_id  VARCHAR(100)   NOT NULL,
    old_points   NUMERIC(12, 3) NOT NULL,
    new_points   NUMERIC(12, 3) NOT NULL,
    PRIMARY KEY (exam_id, key_version, candidate_id, question_id)
);

CREATE TABLE scoring_rank_change (
    exam_id      VARCHAR(64)    NOT NULL,
    key_version  INT            NOT NULL,
    candidate_id VARCHAR(64)    NOT NULL,
    old_total    NUMERIC(12, 3) NOT NULL,
    new_total    NUMERIC(12, 3) NOT NULL,
    old_rank     INT            NOT NULL,
    new_rank     INT            NOT NULL,
    PRIMARY KEY (exam_id, key_version, candidate_id)
);

-- Which key version's results are public.
CREATE TABLE scoring_publication (
    exam_id      VARCHAR(64) NOT NULL PRIMARY KEY,
    key_version  INT         NOT NULL,
    rule_set     VARCHAR(64) NOT NULL,
    published_at TIMESTAMPTZ NOT NULL
);
