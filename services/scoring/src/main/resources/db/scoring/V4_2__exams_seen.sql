-- What scoring learns of exams from the events it tracks (delivery-api's published events), so
-- it never reads delivery's tables: the questions of each published content version, as far as
-- an answer key must match them, and which exams are sealed.
CREATE TABLE scoring_exam_content (
    exam_id         VARCHAR(64) NOT NULL,
    content_version INT         NOT NULL,
    content_sha256  CHAR(64)    NOT NULL,
    questions_json  TEXT        NOT NULL,
    PRIMARY KEY (exam_id, content_version)
);

CREATE TABLE scoring_sealed_exam (
    exam_id     VARCHAR(64) NOT NULL PRIMARY KEY,
    merkle_root CHAR(64)    NOT NULL,
    sealed_at   TIMESTAMPTZ NOT NULL
);
