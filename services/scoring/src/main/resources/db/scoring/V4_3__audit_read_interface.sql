-- The audit tool's read interface to scoring's results, version 1 (AUDIT-FORMAT.md §13): one row
-- per question of each scored session, sessions without questions once with NULL question
-- columns. The auditor's role reads this view and the event store, never scoring's tables, so
-- scoring may reshape its tables as long as the view keeps its columns and their meaning.
CREATE VIEW audit_result_v1 AS
SELECT r.exam_id, r.session_id, r.key_version, r.rule_set, r.last_sequence, r.last_event_hash, r.total,
       q.position AS question_position, q.question_id, q.points AS question_points
FROM scoring_result r LEFT JOIN scoring_question_score q ON q.session_id = r.session_id;

GRANT USAGE ON SCHEMA scoring TO amphi_auditor;
-- USAGE would let the auditor run any function scoring makes here later, since everyone may run
-- a new function by default: not scoring's.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
GRANT SELECT ON audit_result_v1 TO amphi_auditor;
