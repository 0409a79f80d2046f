package io.amphi.scoring.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.scoring.domain.ExamQuestions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the question ids, kinds and options of a published exam file (format amphi-exam/v1,
 * EXAM-FORMAT.md) from the catalog table delivery publishes into.
 */
public class JdbcExamQuestions implements ExamQuestions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcTemplate jdbc;

    public JdbcExamQuestions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<List<Shape>> of(String examId, int contentVersion) {
        return jdbc.query("SELECT content_json FROM exam_content WHERE exam_id = ? AND version = ?",
                (rs, row) -> rs.getBytes(1), examId, contentVersion).stream().findFirst().map(JdbcExamQuestions::shapes);
    }

    private static List<Shape> shapes(byte[] examFile) {
        try {
            return shapes(JSON.readTree(examFile).path("questions"));
        } catch (IOException e) {
            throw new IllegalStateException("A published exam file is not JSON", e);
        }
    }

    private static List<Shape> shapes(JsonNode questions) {
        List<Shape> shapes = new ArrayList<>();
        for (JsonNode question : questions) {
            Set<String> options = new LinkedHashSet<>();
            question.path("options").forEach(option -> options.add(option.path("id").asText()));
            shapes.add(new Shape(question.path("id").asText(), question.path("kind").asText(), options,
                    shapes(question.path("questions"))));
        }
        return shapes;
    }
}
