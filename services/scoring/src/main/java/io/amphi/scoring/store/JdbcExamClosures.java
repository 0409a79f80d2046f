package io.amphi.scoring.store;

import io.amphi.delivery.api.Events.ExamSealed;
import io.amphi.scoring.domain.ExamClosures;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads the seal from the event log scoring shares with delivery. */
public class JdbcExamClosures implements ExamClosures {

    private final JdbcTemplate jdbc;

    public JdbcExamClosures(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean isSealed(String examId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM domain_event_entry WHERE aggregate_identifier = ? AND payload_type = ?)""",
                Boolean.class, examId, ExamSealed.class.getName()));
    }
}
