package io.amphi.delivery.proctoring;

import io.amphi.delivery.api.Answer;
import io.amphi.delivery.api.Events.AnswerSaved;
import io.amphi.delivery.api.Events.OfflineAnswersAccepted;
import io.amphi.delivery.api.Events.OfflineAnswersRejected;
import io.amphi.delivery.api.Events.OfflineAnswersUploaded;
import io.amphi.delivery.api.Events.SessionPaused;
import io.amphi.delivery.api.Events.SessionStarted;
import io.amphi.delivery.api.Events.SessionSubmitted;
import io.amphi.delivery.api.Events.SessionUnpaused;
import io.amphi.delivery.api.Events.TimeExtended;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a proctor's live view shows of each session: when it started, its deadline, which
 * questions have an answer and when it was last saved, a pause, the submission. A streaming
 * processor keeps it, its position stored in PostgreSQL; a reset rebuilds it from the log.
 *
 * <p>Saves are most of the log and share the database with the saves themselves: the answers of a
 * whole batch of events are written in one JDBC batch when the batch commits, not one statement
 * per save.
 */
@ProcessingGroup(LiveViewProjection.PROCESSING_GROUP)
public class LiveViewProjection {

    public static final String PROCESSING_GROUP = "proctor-live-view";
    private static final String PENDING_ANSWERS = "live-view-answers";

    private final JdbcTemplate jdbc;

    public LiveViewProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(SessionStarted event) {
        jdbc.update(
                """
                INSERT INTO live_session (session_id, exam_id, candidate_id, started_at, deadline) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (session_id) DO NOTHING""",
                event.sessionId(),
                event.examId(),
                event.candidateId(),
                Timestamp.from(event.startedAt()),
                Timestamp.from(event.deadline()));
    }

    /** One row per answered question with the time of its last save; a cleared answer keeps its row, marked so. */
    @EventHandler
    void on(AnswerSaved event) {
        answered(event.sessionId(), event.questionId(), event.answer(), event.savedAt());
    }

    @EventHandler
    void on(TimeExtended event) {
        jdbc.update(
                "UPDATE live_session SET deadline = ? WHERE session_id = ?",
                Timestamp.from(event.newDeadline()),
                event.sessionId());
    }

    @EventHandler
    void on(SessionPaused event) {
        jdbc.update(
                "UPDATE live_session SET paused_at = ? WHERE session_id = ?",
                Timestamp.from(event.pausedAt()),
                event.sessionId());
    }

    @EventHandler
    void on(SessionUnpaused event) {
        jdbc.update(
                "UPDATE live_session SET paused_at = NULL, deadline = ? WHERE session_id = ?",
                Timestamp.from(event.newDeadline()),
                event.sessionId());
    }

    @EventHandler
    void on(SessionSubmitted event) {
        jdbc.update(
                "UPDATE live_session SET submitted_at = ?, paused_at = NULL WHERE session_id = ?",
                Timestamp.from(event.submittedAt()),
                event.sessionId());
    }

    @EventHandler
    void on(OfflineAnswersUploaded event) {
        jdbc.update(
                "UPDATE live_session SET undecided_journals = undecided_journals + 1 WHERE session_id = ?",
                event.sessionId());
    }

    /** Accepted answers count from now on: the questions they answer show as answered, saved when accepted. */
    @EventHandler
    void on(OfflineAnswersAccepted event) {
        jdbc.update(
                "UPDATE live_session SET undecided_journals = greatest(undecided_journals - 1, 0) WHERE session_id = ?",
                event.sessionId());
        event.applied()
                .forEach(answer ->
                        answered(event.sessionId(), answer.questionId(), answer.answer(), event.acceptedAt()));
    }

    @EventHandler
    void on(OfflineAnswersRejected event) {
        jdbc.update(
                "UPDATE live_session SET undecided_journals = greatest(undecided_journals - 1, 0) WHERE session_id = ?",
                event.sessionId());
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM live_session_answer");
        jdbc.update("DELETE FROM live_session");
    }

    /** Written with the batch's other answers, in the log's order, when the batch commits. */
    private void answered(String sessionId, String questionId, Answer answer, Instant at) {
        Object[] row = {sessionId, questionId, !(answer instanceof Answer.Cleared), Timestamp.from(at)};
        if (!CurrentUnitOfWork.isStarted()) {
            writeAnswers(Collections.singletonList(row));
            return;
        }
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        List<Object[]> pending = batch.getOrComputeResource(PENDING_ANSWERS, key -> {
            List<Object[]> rows = new ArrayList<>();
            batch.onPrepareCommit(u -> writeAnswers(rows));
            return rows;
        });
        pending.add(row);
    }

    private void writeAnswers(List<Object[]> rows) {
        if (!rows.isEmpty()) {
            jdbc.batchUpdate("""
                    INSERT INTO live_session_answer (session_id, question_id, answered, saved_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (session_id, question_id) DO UPDATE SET answered = EXCLUDED.answered,
                        saved_at = GREATEST(live_session_answer.saved_at, EXCLUDED.saved_at)""", rows);
        }
    }
}
