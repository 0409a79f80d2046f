package io.amphi.delivery.deadline;

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
 * Keeps, for every session, its deadline and whether it is submitted, so sessions whose time ran
 * out can be found without loading them. Fed by a streaming processor whose position is stored in
 * PostgreSQL, so after a restart it resumes where it stopped; rebuildable from the log at any time.
 */
@ProcessingGroup(SessionDeadlineProjection.PROCESSING_GROUP)
public class SessionDeadlineProjection {

    public static final String PROCESSING_GROUP = "session-deadlines";

    private final JdbcTemplate jdbc;

    public SessionDeadlineProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(SessionStarted event) {
        jdbc.update("""
                INSERT INTO session_deadline (session_id, deadline, submitted) VALUES (?, ?, FALSE)
                ON CONFLICT (session_id) DO NOTHING""", event.sessionId(), Timestamp.from(event.deadline()));
    }

    /** An extension of a paused session moves its deadline; it stays due never until the session goes on. */
    @EventHandler
    void on(TimeExtended event) {
        jdbc.update(
                "UPDATE session_deadline SET deadline = CASE WHEN deadline = 'infinity' THEN deadline ELSE ? END "
                        + "WHERE session_id = ?",
                Timestamp.from(event.newDeadline()),
                event.sessionId());
    }

    /** A paused session's time stands still: it is due never, until it goes on. */
    @EventHandler
    void on(SessionPaused event) {
        jdbc.update("UPDATE session_deadline SET deadline = 'infinity' WHERE session_id = ?", event.sessionId());
    }

    @EventHandler
    void on(SessionUnpaused event) {
        jdbc.update(
                "UPDATE session_deadline SET deadline = ? WHERE session_id = ?",
                Timestamp.from(event.newDeadline()),
                event.sessionId());
    }

    @EventHandler
    void on(SessionSubmitted event) {
        jdbc.update("UPDATE session_deadline SET submitted = TRUE WHERE session_id = ?", event.sessionId());
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM session_deadline");
    }
}
