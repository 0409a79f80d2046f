package io.amphi.delivery.proctoring;

import io.amphi.delivery.api.Answer;
import io.amphi.delivery.api.Events.AnswerSaved;
import io.amphi.delivery.api.Events.SessionPaused;
import io.amphi.delivery.api.Events.SessionStarted;
import io.amphi.delivery.api.Events.SessionSubmitted;
import io.amphi.delivery.api.Events.SessionUnpaused;
import io.amphi.delivery.api.Events.TimeExtended;
import java.sql.Timestamp;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a proctor's live view shows of each session: when it started, its deadline, how many
 * questions have an answer, the last save, a pause, the submission. A streaming processor keeps it,
 * its position stored in PostgreSQL; a reset rebuilds it from the log.
 */
@ProcessingGroup(LiveViewProjection.PROCESSING_GROUP)
public class LiveViewProjection {

    public static final String PROCESSING_GROUP = "proctor-live-view";

    private final JdbcTemplate jdbc;

    public LiveViewProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(SessionStarted event) {
        jdbc.update("""
                INSERT INTO live_session (session_id, exam_id, candidate_id, started_at, deadline) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (session_id) DO NOTHING""", event.sessionId(), event.examId(), event.candidateId(),
                Timestamp.from(event.startedAt()), Timestamp.from(event.deadline()));
    }

    @EventHandler
    void on(AnswerSaved event) {
        if (event.answer() instanceof Answer.Cleared) {
            jdbc.update("DELETE FROM live_session_answer WHERE session_id = ? AND question_id = ?",
                    event.sessionId(), event.questionId());
        } else {
            jdbc.update("INSERT INTO live_session_answer (session_id, question_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    event.sessionId(), event.questionId());
        }
        jdbc.update("UPDATE live_session SET last_save_at = ? WHERE session_id = ?",
                Timestamp.from(event.savedAt()), event.sessionId());
    }

    @EventHandler
    void on(TimeExtended event) {
        jdbc.update("UPDATE live_session SET deadline = ? WHERE session_id = ?",
                Timestamp.from(event.newDeadline()), event.sessionId());
    }

    @EventHandler
    void on(SessionPaused event) {
        jdbc.update("UPDATE live_session SET paused_at = ? WHERE session_id = ?",
                Timestamp.from(event.pausedAt()), event.sessionId());
    }

    @EventHandler
    void on(SessionUnpaused event) {
        jdbc.update("UPDATE live_session SET paused_at = NULL, deadline = ? WHERE session_id = ?",
                Timestamp.from(event.newDeadline()), event.sessionId());
    }

    @EventHandler
    void on(SessionSubmitted event) {
        jdbc.update("UPDATE live_session SET submitted_at = ?, paused_at = NULL WHERE session_id = ?",
                Timestamp.from(event.submittedAt()), event.sessionId());
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM live_session_answer");
        jdbc.update("DELETE FROM live_session");
    }
}
