package io.amphi.scoring.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.delivery.api.Answer;
import io.amphi.scoring.api.QuestionKey;
import io.amphi.scoring.rules.QuestionScore;
import io.amphi.scoring.rules.SessionScorer.SessionScore;
import java.math.BigDecimal;
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

/**
 * The scoring read model in PostgreSQL (tables scoring_*), as the projection writes it and reads
 * back what it needs to score again (sessions, answers, keys); everyone else reads it through
 * {@link ResultQueries}.
 */
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
