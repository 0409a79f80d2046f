package io.amphi.delivery.deadline;

import io.amphi.delivery.api.Commands.SubmitOnDeadline;
import io.amphi.delivery.domain.ExamSession;
import io.amphi.platform.RateLimitedLog;
import io.amphi.platform.db.DatabaseFailures;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Submits sessions whose deadline and grace have passed. It works from the stored deadlines, not
 * from in-memory timers, so a deadline that passed while the service was down is honoured as soon
 * as it is back. The session itself decides: a session extended in the meantime, or already
 * submitted, ignores the request, so several replicas may run this at once.
 */
public class AutoSubmitter {

    private static final Logger log = LoggerFactory.getLogger(AutoSubmitter.class);
    private static final int BATCH = 500;
    private final RateLimitedLog unavailable = new RateLimitedLog(log, Duration.ofMinutes(1));

    private final JdbcTemplate jdbc;
    private final CommandGateway commands;
    private final Clock clock;

    public AutoSubmitter(JdbcTemplate jdbc, CommandGateway commands, Clock clock) {
        this.jdbc = jdbc;
        this.commands = commands;
        this.clock = clock;
    }

    /**
     * Submits every due session, batch after batch while batches are full and make progress. While
     * the database is out of reach, it says so at most once a minute and tries again next time.
     */
    @Scheduled(fixedDelayString = "${amphi.delivery.auto-submit-interval:1s}")
    public void submitDueSessions() {
        try {
            submitBatches();
        } catch (RuntimeException e) {
            if (!DatabaseFailures.unreachable(e)) {
                throw e;
            }
            unavailable.warn("Sessions past their deadline cannot be submitted now; trying again: {}", e.toString());
        }
    }

    private void submitBatches() {
        boolean more = true;
        while (more) {
            Timestamp due = Timestamp.from(clock.instant().minus(ExamSession.SAVE_GRACE));
            List<String> sessionIds = jdbc.queryForList("""
                    SELECT session_id FROM session_deadline WHERE NOT submitted AND deadline < ?
                    ORDER BY deadline LIMIT ?""", String.class, due, BATCH);
            int submitted = 0;
            for (String sessionId : sessionIds) {
                if (submit(sessionId)) {
                    submitted++;
                }
            }
            // A full batch where nothing was submitted is waiting for the projection to catch up.
            more = sessionIds.size() == BATCH && submitted > 0;
        }
    }

    private boolean submit(String sessionId) {
        try {
            boolean submitted = Boolean.TRUE.equals(commands.sendAndWait(new SubmitOnDeadline(sessionId)));
            if (submitted) {
                log.info("Session {} submitted at its deadline", sessionId);
            }
            return submitted;
        } catch (RuntimeException e) {
            if (DatabaseFailures.unreachable(e)) {
                throw e;
            }
            log.warn("Could not submit session {} at its deadline; will retry: {}", sessionId, e.toString());
            return false;
        }
    }
}
