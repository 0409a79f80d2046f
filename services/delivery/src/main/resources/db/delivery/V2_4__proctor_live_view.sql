-- Fed by the proctor-live-view event processor (rebuildable from the log): each started session as a
-- proctor sees it. Candidates who have not started are their enrolments without a row here.
CREATE TABLE live_session (
    session_id   VARCHAR(140) NOT NULL PRIMARY KEY,
    exam_id      VARCHAR(64)  NOT NULL,
    candidate_id VARCHAR(64)  NOT NULL,
    started_at   TIMESTAMPTZ  NOT NULL,
    deadline     TIMESTAMPTZ  NOT NULL,
    last_save_at TIMESTAMPTZ,
    paused_at    TIMESTAMPTZ,
    submitted_at TIMESTAMPTZ
);
CREATE INDEX live_session_exam ON live_session (exam_id, candidate_id);

-- The questions each session has an answer to (a cleared answer removes its row).
CREATE TABLE live_session_answer (
    session_id  VARCHAR(140) NOT NULL,
    question_id VARCHAR(64)  NOT NULL,
    PRIMARY KEY (session_id, question_id)
);
