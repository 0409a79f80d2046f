package io.amphi.scoring.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.delivery.api.Answer;
import io.amphi.platform.audit.PublicationSeal;
import io.amphi.scoring.api.QuestionKey;
import io.amphi.scoring.domain.QuestionStatistics;
import io.amphi.scoring.rules.QuestionScore;
import io.amphi.scoring.rules.SessionScorer.SessionScore;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.springframework.jdbc.core.JdbcTemplate;

/** The scoring read model in PostgreSQL (tables scoring_*), written by the projection only. */
public class ResultStore {

    /** A stored answer key version. */
    public record StoredKey(
            String examId,
            int keyVersion,
            int contentVersion,
            String ruleSet,
            Map<String, QuestionKey> questions,
            String reason) {}

    /** A submitted session, as far as scoring needs it. */
    public record SubmittedSession(
            String sessionId, String candidateId, int contentVersion, long lastSequence, byte[] lastEventHash) {}

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

    private static final TypeReference<LinkedHashMap<String, QuestionKey>> KEY_TYPE = new TypeReference<>() {};

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public ResultStore(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void sessionStarted(String sessionId, String examId, String candidateId, int contentVersion) {
        jdbc.update("""
                INSERT INTO scoring_session (session_id, exam_id, candidate_id, content_version) VALUES (?, ?, ?, ?)
                ON CONFLICT (session_id) DO NOTHING""", sessionId, examId, candidateId, contentVersion);
    }

    /** A session's answer to a question, the last one given. */
    public record LastAnswer(String sessionId, String questionId, Answer answer) {}

    /** Stores answers in one batch; at most one per session and question. */
    public void answersSaved(Collection<LastAnswer> answers) {
        jdbc.batchUpdate("""
                INSERT INTO scoring_answer (session_id, question_id, answer_json) VALUES (?, ?, ?)
                ON CONFLICT (session_id, question_id) DO UPDATE SET answer_json = EXCLUDED.answer_json""", answers, 1_000, (ps, answer) -> {
            ps.setString(1, answer.sessionId());
            ps.setString(2, answer.questionId());
            ps.setString(3, write(answer.answer()));
        });
    }

    /** Marks the session handed in; its last event is the one that handed it in. */
    public void sessionSubmitted(String sessionId, Instant submittedAt, long lastSequence) {
        jdbc.update("""
                UPDATE scoring_session SET submitted_at = ?, last_sequence = ?,
                    last_event_hash = (SELECT chain_hash FROM event_store.domain_event_entry
                                       WHERE aggregate_identifier = ? AND sequence_number = ?)
                WHERE session_id = ?""", Timestamp.from(submittedAt), lastSequence, sessionId, lastSequence, sessionId);
    }

    /**
     * A handed-in session's log grew (an offline journal was uploaded or decided): its last event,
     * which results and the seal refer to, is now this one.
     */
    public void sessionAmended(String sessionId, long lastSequence) {
        jdbc.update("""
                UPDATE scoring_session SET last_sequence = ?,
                    last_event_hash = (SELECT chain_hash FROM event_store.domain_event_entry
                                       WHERE aggregate_identifier = ? AND sequence_number = ?)
                WHERE session_id = ? AND submitted_at IS NOT NULL""", lastSequence, sessionId, lastSequence, sessionId);
    }

    public Optional<SubmittedSession> submitted(String sessionId) {
        return jdbc
                .query(
                        """
                SELECT session_id, candidate_id, content_version, last_sequence, last_event_hash FROM scoring_session
                WHERE session_id = ? AND submitted_at IS NOT NULL""",
                        (rs, row) -> new SubmittedSession(
                                rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getBytes(5)),
                        sessionId)
                .stream()
                .findFirst();
    }

    /**
     * The exam's submitted sessions on a content version after {@code afterSessionId}, in id
     * order, at most {@code limit}: a key scores only the sessions of the version it was written for.
     */
    public List<SubmittedSession> submittedSessions(
            String examId, int contentVersion, String afterSessionId, int limit) {
        return jdbc.query(
                """
                SELECT session_id, candidate_id, content_version, last_sequence, last_event_hash FROM scoring_session
                WHERE exam_id = ? AND content_version = ? AND submitted_at IS NOT NULL AND session_id > ?
                ORDER BY session_id LIMIT ?""",
                (rs, row) -> new SubmittedSession(
                        rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getBytes(5)),
                examId,
                contentVersion,
                afterSessionId,
                limit);
    }

    /** The last answers of each of the sessions, by session and question. */
    public Map<String, Map<String, Answer>> answers(List<String> sessionIds) {
        Map<String, Map<String, Answer>> answers = new HashMap<>();
        sessionIds.forEach(id -> answers.put(id, new HashMap<>()));
        jdbc.query(
                "SELECT session_id, question_id, answer_json FROM scoring_answer WHERE session_id = ANY (?)",
                rs -> {
                    answers.get(rs.getString(1)).put(rs.getString(2), read(rs.getString(3), Answer.class));
                },
                (Object) sessionIds.toArray(String[]::new));
        return answers;
    }

    public void keyPublished(StoredKey key, Instant publishedAt) {
        jdbc.update(
                """
                INSERT INTO scoring_key (exam_id, key_version, content_version, rule_set, key_json, reason, published_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (exam_id, key_version) DO NOTHING""",
                key.examId(),
                key.keyVersion(),
                key.contentVersion(),
                key.ruleSet(),
                writeKey(key.questions()),
                key.reason(),
                Timestamp.from(publishedAt));
    }

    public Optional<StoredKey> latestKey(String examId) {
        return jdbc.query("""
                        SELECT key_version, content_version, rule_set, key_json, reason FROM scoring_key
                        WHERE exam_id = ? ORDER BY key_version DESC LIMIT 1""", (rs, row) -> storedKey(examId, rs), examId).stream()
                .findFirst();
    }

    public Optional<StoredKey> key(String examId, int keyVersion) {
        return jdbc.query("""
                        SELECT key_version, content_version, rule_set, key_json, reason FROM scoring_key
                        WHERE exam_id = ? AND key_version = ?""", (rs, row) -> storedKey(examId, rs), examId, keyVersion).stream()
                .findFirst();
    }

    private StoredKey storedKey(String examId, ResultSet rs) throws SQLException {
        return new StoredKey(
                examId, rs.getInt(1), rs.getInt(2), rs.getString(3), read(rs.getString(4), KEY_TYPE), rs.getString(5));
    }

    /** A session scored under a key. */
    public record Scored(SubmittedSession session, SessionScore score) {}

    /** Records the sessions' results in batches, replacing earlier ones. */
    public void saveResults(String examId, StoredKey key, List<Scored> scored) {
        jdbc.batchUpdate("""
                INSERT INTO scoring_result (session_id, exam_id, candidate_id, content_version, key_version, rule_set,
                                            total, max_total, last_sequence, last_event_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (session_id) DO UPDATE SET key_version = EXCLUDED.key_version, rule_set = EXCLUDED.rule_set,
                    total = EXCLUDED.total, max_total = EXCLUDED.max_total, last_sequence = EXCLUDED.last_sequence,
                    last_event_hash = EXCLUDED.last_event_hash""", scored, 1_000, (ps, s) -> {
            ps.setString(1, s.session().sessionId());
            ps.setString(2, examId);
            ps.setString(3, s.session().candidateId());
            ps.setInt(4, s.session().contentVersion());
            ps.setInt(5, key.keyVersion());
            ps.setString(6, key.ruleSet());
            ps.setBigDecimal(7, s.score().total());
            ps.setBigDecimal(8, s.score().maxTotal());
            ps.setLong(9, s.session().lastSequence());
            ps.setBytes(10, s.session().lastEventHash());
        });
        jdbc.update("DELETE FROM scoring_question_score WHERE session_id = ANY (?)", (Object)
                scored.stream().map(s -> s.session().sessionId()).toArray(String[]::new));
        record Row(String sessionId, int position, QuestionScore score) {}
        List<Row> rows = new ArrayList<>();
        scored.forEach(s -> IntStream.range(0, s.score().questions().size())
                .forEach(position -> rows.add(new Row(
                        s.session().sessionId(), position, s.score().questions().get(position)))));
        jdbc.batchUpdate("""
                INSERT INTO scoring_question_score (session_id, position, question_id, points, max_points)
                VALUES (?, ?, ?, ?, ?)""", rows, 5_000, (ps, row) -> {
            ps.setString(1, row.sessionId());
            ps.setInt(2, row.position());
            ps.setString(3, row.score().questionId());
            ps.setBigDecimal(4, row.score().points());
            ps.setBigDecimal(5, row.score().maxPoints());
        });
    }

    /** The question scores of the sessions as they stand, by session. */
    public Map<String, List<QuestionScore>> questionScores(List<String> sessionIds) {
        Map<String, List<QuestionScore>> scores = new HashMap<>();
        jdbc.query(
                """
                SELECT session_id, question_id, points, max_points FROM scoring_question_score
                WHERE session_id = ANY (?) ORDER BY session_id, position""",
                rs -> {
                    scores.computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
                            .add(new QuestionScore(rs.getString(2), rs.getBigDecimal(3), rs.getBigDecimal(4)));
                },
                (Object) sessionIds.toArray(String[]::new));
        return scores;
    }

    /** Every result's total in the exam, by candidate. */
    public Map<String, BigDecimal> totals(String examId) {
        Map<String, BigDecimal> totals = new HashMap<>();
        jdbc.query(
                "SELECT candidate_id, total FROM scoring_result WHERE exam_id = ?",
                rs -> {
                    totals.put(rs.getString(1), rs.getBigDecimal(2));
                },
                examId);
        return totals;
    }

    public void questionChanged(
            String examId, int keyVersion, String candidateId, String questionId, BigDecimal before, BigDecimal after) {
        jdbc.update("""
                INSERT INTO scoring_question_change (exam_id, key_version, candidate_id, question_id, old_points, new_points)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""", examId, keyVersion, candidateId, questionId, before, after);
    }

    public void rankChanged(
            String examId,
            int keyVersion,
            String candidateId,
            BigDecimal oldTotal,
            BigDecimal newTotal,
            int oldRank,
            int newRank) {
        jdbc.update("""
                INSERT INTO scoring_rank_change (exam_id, key_version, candidate_id, old_total, new_total, old_rank, new_rank)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""", examId, keyVersion, candidateId, oldTotal, newTotal, oldRank, newRank);
    }

    public void published(String examId, int keyVersion, String ruleSet, Instant publishedAt) {
        jdbc.update("""
                INSERT INTO scoring_publication (exam_id, key_version, rule_set, published_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (exam_id) DO UPDATE SET key_version = EXCLUDED.key_version, rule_set = EXCLUDED.rule_set,
                    published_at = EXCLUDED.published_at""", examId, keyVersion, ruleSet, Timestamp.from(publishedAt));
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
                                decimal(rs.getBigDecimal(6)),
                                new ArrayList<>()));
                    }
                    if (rs.getString(7) != null) {
                        lines.getLast()
                                .questions()
                                .add(new PublicationSeal.QuestionPoints(rs.getString(7), decimal(rs.getBigDecimal(8))));
                    }
                },
                examId);
        return lines;
    }

    /** Points as a result line writes them: three digits after the point. */
    private static String decimal(BigDecimal value) {
        return value.setScale(3, RoundingMode.UNNECESSARY).toPlainString();
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

    /** Empties the read model before a replay. */
    public void clear() {
        jdbc.batchUpdate(
                "DELETE FROM scoring_question_change",
                "DELETE FROM scoring_rank_change",
                "DELETE FROM scoring_question_score",
                "DELETE FROM scoring_result",
                "DELETE FROM scoring_answer",
                "DELETE FROM scoring_session",
                "DELETE FROM scoring_key",
                "DELETE FROM scoring_publication");
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** With the declared value type, so each question key is written with its kind. */
    private String writeKey(Map<String, QuestionKey> questions) {
        try {
            return json.writerFor(KEY_TYPE).writeValueAsString(questions);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write an answer key as JSON", e);
        }
    }

    private <T> T read(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored JSON is not a " + type.getSimpleName(), e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored JSON is not an answer key", e);
        }
    }
}
