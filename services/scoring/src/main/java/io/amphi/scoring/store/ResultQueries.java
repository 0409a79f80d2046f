package io.amphi.scoring.store;

import io.amphi.platform.audit.PublicationSeal;
import io.amphi.scoring.domain.QuestionStatistics;
import io.amphi.scoring.rules.QuestionScore;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the scoring read model answers to the service's callers and to the publication seal:
 * results, places, statistics, rescoring reports, publications. Read only; the projection writes
 * through {@link ResultStore}.
 */
public class ResultQueries {

    /** A stored result with its provenance. */
    public record StoredResult(
            String sessionId,
            String examId,
            String candidateId,
            int contentVersion,
            int keyVersion,
            String ruleSet,
            BigDecimal total,
            BigDecimal maxTotal,
            long lastSequence,
            byte[] lastEventHash,
            List<QuestionScore> questions) {}

    /** Which key version's results are public, and since when. */
    public record Publication(int keyVersion, String ruleSet, Instant publishedAt) {}

    private final JdbcTemplate jdbc;

    public ResultQueries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Publication> publication(String examId) {
        return jdbc
                .query(
                        "SELECT key_version, rule_set, published_at FROM scoring_publication WHERE exam_id = ?",
                        (rs, row) -> new Publication(
                                rs.getInt(1),
                                rs.getString(2),
                                rs.getTimestamp(3).toInstant()),
                        examId)
                .stream()
                .findFirst();
    }

    /** A session's result with its question scores, read in one statement so both come from one re-scoring. */
    public Optional<StoredResult> result(String sessionId) {
        List<StoredResult> rows = new ArrayList<>();
        List<QuestionScore> questions = new ArrayList<>();
        jdbc.query(
                """
                SELECT r.session_id, r.exam_id, r.candidate_id, r.content_version, r.key_version, r.rule_set, r.total,
                       r.max_total, r.last_sequence, r.last_event_hash, q.question_id, q.points, q.max_points
                FROM scoring_result r LEFT JOIN scoring_question_score q ON q.session_id = r.session_id
                WHERE r.session_id = ? ORDER BY q.position""",
                rs -> {
                    if (rows.isEmpty()) {
                        rows.add(new StoredResult(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getInt(4),
                                rs.getInt(5),
                                rs.getString(6),
                                rs.getBigDecimal(7),
                                rs.getBigDecimal(8),
                                rs.getLong(9),
                                rs.getBytes(10),
                                questions));
                    }
                    if (rs.getString(11) != null) {
                        questions.add(new QuestionScore(rs.getString(11), rs.getBigDecimal(12), rs.getBigDecimal(13)));
                    }
                },
                sessionId);
        return rows.stream().findFirst();
    }

    /**
     * Every result of an exam as a publication seals it, by session id in byte order, question
     * scores in the exam's order; read in one statement so all come from one state of the results.
     */
    public List<PublicationSeal.ResultLine> resultLines(String examId) {
        List<PublicationSeal.ResultLine> lines = new ArrayList<>();
        jdbc.query(
                """
                SELECT r.session_id, r.key_version, r.rule_set, r.last_sequence, r.last_event_hash, r.total,
                       q.question_id, q.points
                FROM scoring_result r LEFT JOIN scoring_question_score q ON q.session_id = r.session_id
                WHERE r.exam_id = ? ORDER BY r.session_id COLLATE "C", q.position""",
                rs -> {
                    String sessionId = rs.getString(1);
                    if (lines.isEmpty() || !lines.getLast().sessionId().equals(sessionId)) {
                        lines.add(new PublicationSeal.ResultLine(
                                sessionId,
                                rs.getInt(2),
                                rs.getString(3),
                                rs.getLong(4),
                                rs.getBytes(5),
                                PublicationSeal.points(rs.getBigDecimal(6)),
                                new ArrayList<>()));
                    }
                    if (rs.getString(7) != null) {
                        lines.getLast()
                                .questions()
                                .add(new PublicationSeal.QuestionPoints(
                                        rs.getString(7), PublicationSeal.points(rs.getBigDecimal(8))));
                    }
                },
                examId);
        return lines;
    }

    /** A candidate's total and place: rank (ties share it: 1, 2, 2, 4), percentile (share with this total or less). */
    public record Placed(
            String candidateId, BigDecimal total, BigDecimal maxTotal, int rank, double percentile, int keyVersion) {}

    /** Results of an exam, best first then by candidate, after a position; places computed in the database. */
    public List<Placed> results(String examId, int offset, int limit) {
        return jdbc.query(
                """
                SELECT candidate_id, total, max_total, rank() OVER (ORDER BY total DESC),
                       100 * cume_dist() OVER (ORDER BY total), key_version
                FROM scoring_result WHERE exam_id = ? ORDER BY total DESC, candidate_id OFFSET ? LIMIT ?""",
                (rs, row) -> new Placed(
                        rs.getString(1),
                        rs.getBigDecimal(2),
                        rs.getBigDecimal(3),
                        rs.getInt(4),
                        rs.getDouble(5),
                        rs.getInt(6)),
                examId,
                offset,
                limit);
    }

    /** How many results the exam has. */
    public int countResults(String examId) {
        return jdbc.queryForObject("SELECT count(*) FROM scoring_result WHERE exam_id = ?", Integer.class, examId);
    }

    /** A result's rank among its exam's: one more than the totals above it. */
    public int rank(String examId, BigDecimal total) {
        return 1
                + jdbc.queryForObject(
                        "SELECT count(*) FROM scoring_result WHERE exam_id = ? AND total > ?",
                        Integer.class,
                        examId,
                        total);
    }

    /** An exam's figures under a key version: how many sessions, their mean, and each question's. */
    public record ExamFigures(int sessions, BigDecimal meanTotal, List<QuestionStatistics.Figures> questions) {}

    /**
     * Computed in the database, so an exam of 100,000 sessions of 120 questions is never loaded
     * into memory. The compared groups are the lowest and best totals, ties broken by session id.
     */
    public ExamFigures statistics(String examId, int keyVersion) {
        Map<String, Object> totals = jdbc.queryForMap("""
                SELECT count(*) AS sessions, coalesce(round(avg(total), 3), 0) AS mean FROM scoring_result
                WHERE exam_id = ? AND key_version = ?""", examId, keyVersion);
        int sessions = ((Number) totals.get("sessions")).intValue();
        int group = QuestionStatistics.groupSize(sessions);
        List<QuestionStatistics.Figures> questions = jdbc.query(
                """
                WITH sheets AS (
                    SELECT session_id, row_number() OVER (ORDER BY total, session_id) AS place
                    FROM scoring_result WHERE exam_id = ? AND key_version = ?)
                SELECT q.question_id,
                       coalesce(avg(q.points / q.max_points) FILTER (WHERE q.max_points > 0), 0),
                       coalesce(avg(q.points / q.max_points) FILTER (WHERE q.max_points > 0 AND s.place > ? - ?), 0),
                       coalesce(avg(q.points / q.max_points) FILTER (WHERE q.max_points > 0 AND s.place <= ?), 0)
                FROM sheets s JOIN scoring_question_score q ON q.session_id = s.session_id
                GROUP BY q.question_id ORDER BY min(q.position)""",
                (rs, row) -> QuestionStatistics.of(
                        rs.getString(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), sessions),
                examId,
                keyVersion,
                sessions,
                group,
                group);
        return new ExamFigures(sessions, ((BigDecimal) totals.get("mean")).setScale(3), questions);
    }

    public int countScored(String examId, int keyVersion) {
        return jdbc.queryForObject(
                "SELECT count(*) FROM scoring_result WHERE exam_id = ? AND key_version = ?",
                Integer.class,
                examId,
                keyVersion);
    }

    /** Submitted sessions of an exam started on one content version: those a key of that version scores. */
    public int countSubmitted(String examId, int contentVersion) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM scoring_session WHERE exam_id = ? AND content_version = ? AND submitted_at IS NOT NULL""", Integer.class, examId, contentVersion);
    }

    public int countSubmitted(String examId) {
        return jdbc.queryForObject(
                "SELECT count(*) FROM scoring_session WHERE exam_id = ? AND submitted_at IS NOT NULL",
                Integer.class,
                examId);
    }

    /** A question score a key version changed. */
    public record QuestionChange(String candidateId, String questionId, BigDecimal oldPoints, BigDecimal newPoints) {}

    /** A total or rank a key version changed. */
    public record RankChange(String candidateId, BigDecimal oldTotal, BigDecimal newTotal, int oldRank, int newRank) {}

    public List<QuestionChange> questionChanges(String examId, int keyVersion) {
        return jdbc.query(
                """
                SELECT candidate_id, question_id, old_points, new_points FROM scoring_question_change
                WHERE exam_id = ? AND key_version = ? ORDER BY candidate_id, question_id""",
                (rs, row) ->
                        new QuestionChange(rs.getString(1), rs.getString(2), rs.getBigDecimal(3), rs.getBigDecimal(4)),
                examId,
                keyVersion);
    }

    public List<RankChange> rankChanges(String examId, int keyVersion) {
        return jdbc.query(
                """
                SELECT candidate_id, old_total, new_total, old_rank, new_rank FROM scoring_rank_change
                WHERE exam_id = ? AND key_version = ? ORDER BY new_rank, candidate_id""",
                (rs, row) -> new RankChange(
                        rs.getString(1), rs.getBigDecimal(2), rs.getBigDecimal(3), rs.getInt(4), rs.getInt(5)),
                examId,
                keyVersion);
    }
}
