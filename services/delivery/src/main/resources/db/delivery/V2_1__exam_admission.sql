-- How fast an exam lets candidates in and how many may be in at once. Exams without a row use the
-- service's defaults (amphi.delivery.admission.*).
CREATE TABLE exam_admission (
    exam_id               VARCHAR(64)      NOT NULL PRIMARY KEY,
    admissions_per_second DOUBLE PRECISION NOT NULL CHECK (admissions_per_second > 0),
    max_active_sessions   BIGINT           NOT NULL CHECK (max_active_sessions > 0)
);
