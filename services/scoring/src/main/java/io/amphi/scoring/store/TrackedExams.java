package io.amphi.scoring.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.delivery.api.Events.PublishedQuestion;
import io.amphi.scoring.domain.ExamClosures;
import io.amphi.scoring.domain.ExamQuestions;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What scoring knows of exams from the events it tracks (ExamContentPublished, ExamSealed),
 * kept in its own tables by the results projection: the questions of each content version and
 * which exams are sealed. Scoring never reads delivery's catalog.
 */
public class TrackedExams implements ExamClosures, ExamQuestions {

    private static final TypeReference<List<PublishedQuestion>> QUESTIONS = new TypeReference<>() {};

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public TrackedExams(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A content version was published; it never changes, so a replay writes the same row. */
    public void contentPublished(
            String examId, int contentVersion, String contentSha256, List<PublishedQuestion> questions) {
        try {
            jdbc.update("""
                    INSERT INTO scoring_exam_content (exam_id, content_version, content_sha256, questions_json)
                    VALUES (?, ?, ?, ?) ON CONFLICT (exam_id, content_version) DO NOTHING""", examId, contentVersion, contentSha256, json.writeValueAsString(questions));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Questions of exam " + examId + " cannot be written as JSON", e);
        }
    }

    public void sealed(String examId, String merkleRoot, Instant sealedAt) {
        jdbc.update("""
                INSERT INTO scoring_sealed_exam (exam_id, merkle_root, sealed_at) VALUES (?, ?, ?)
                ON CONFLICT (exam_id) DO NOTHING""", examId, merkleRoot, Timestamp.from(sealedAt));
    }

    @Override
    public boolean isSealed(String examId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM scoring_sealed_exam WHERE exam_id = ?)", Boolean.class, examId));
    }

    @Override
    public Optional<List<Shape>> of(String examId, int contentVersion) {
        return jdbc
                .query(
                        "SELECT questions_json FROM scoring_exam_content WHERE exam_id = ? AND content_version = ?",
                        (rs, row) -> rs.getString(1),
                        examId,
                        contentVersion)
                .stream()
                .findFirst()
                .map(this::shapes);
    }

    /** Empties what a replay fills again. */
    public void clear() {
        jdbc.batchUpdate("DELETE FROM scoring_exam_content", "DELETE FROM scoring_sealed_exam");
    }

    private List<Shape> shapes(String questionsJson) {
        try {
            return shapes(json.readValue(questionsJson, QUESTIONS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored questions are not JSON", e);
        }
    }

    private static List<Shape> shapes(List<PublishedQuestion> questions) {
        return questions.stream()
                .map(q -> new Shape(q.id(), q.kind(), new LinkedHashSet<>(q.optionIds()), shapes(q.parts())))
                .toList();
    }
}
