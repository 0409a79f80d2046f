package io.amphi.delivery.seal;

import io.amphi.delivery.api.Commands.SealExam;
import io.amphi.delivery.api.Events.OfflineAnswersAccepted;
import io.amphi.delivery.api.Events.OfflineAnswersRejected;
import io.amphi.delivery.api.Events.OfflineAnswersUploaded;
import io.amphi.delivery.api.Events.SealedSession;
import io.amphi.delivery.api.Events.SessionSubmitted;
import io.amphi.delivery.api.PublishedEvents;
import io.amphi.delivery.api.Results.SealResult;
import io.amphi.delivery.api.SessionIds;
import io.amphi.delivery.catalog.JdbcExamCatalog;
import io.amphi.delivery.domain.ExamCatalog;
import io.amphi.delivery.domain.ExamSchedule;
import io.amphi.platform.audit.ChainVerifier;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.platform.db.EventStoreReader;
import io.amphi.platform.domain.DomainException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * Closes an exam: checks that it no longer admits anyone and that every session is handed in,
 * verifies each session's hash chain as stored, and seals the exam with the Merkle root of their
 * final hashes. Only an intact log is sealed.
 */
public class ExamSealing {

    /**
     * How long after its window closes an exam can be sealed: more than replicas' clocks may
     * differ, so no replica can still be starting a session when the seal is taken.
     */
    public static final Duration MARGIN = Duration.ofMinutes(1);

    private static final String SUBMITTED = PublishedEvents.nameOf(SessionSubmitted.class);
    private static final String JOURNAL_UPLOADED = PublishedEvents.nameOf(OfflineAnswersUploaded.class);
    private static final Set<String> JOURNAL_DECIDED = Set.of(
            PublishedEvents.nameOf(OfflineAnswersAccepted.class), PublishedEvents.nameOf(OfflineAnswersRejected.class));

    private final ExamCatalog catalog;
    private final DataSource dataSource;
    private final CommandGateway commands;
    private final Clock clock;

    public ExamSealing(ExamCatalog catalog, DataSource dataSource, CommandGateway commands, Clock clock) {
        this.catalog = catalog;
        this.dataSource = dataSource;
        this.commands = commands;
        this.clock = clock;
    }

    public SealResult close(String examId, String closedBy) {
        ExamSchedule schedule = catalog.schedule(examId)
                .orElseThrow(() -> DomainException.notFound("UNKNOWN_EXAM", "There is no exam " + examId + "."));
        if (clock.instant().isBefore(schedule.closesAt().plus(MARGIN))) {
            throw DomainException.precondition(
                    "EXAM_OPEN",
                    "Exam %s admits candidates until %s; close it from %s on."
                            .formatted(
                                    examId,
                                    schedule.closesAt(),
                                    schedule.closesAt().plus(MARGIN)));
        }
        try (Connection connection = dataSource.getConnection()) {
            // Held from reading the sessions until the seal is stored: an offline journal recorded
            // meanwhile would be missed by the seal, so its command waits (JdbcExamCatalog).
            lock(connection, "SELECT pg_advisory_lock(?, hashtext(?))", examId);
            try {
                return seal(connection, examId, closedBy);
            } finally {
                unlock(connection, examId);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the event log of exam " + examId, e);
        }
    }

    /**
     * A session lock outlives a rollback: the reading transaction is ended first (a failed statement
     * leaves it aborted), and a connection that cannot be unlocked is closed for good rather than
     * handed back to the pool still holding the exam.
     */
    private static void unlock(Connection connection, String examId) throws SQLException {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            lock(connection, "SELECT pg_advisory_unlock(?, hashtext(?))", examId);
        } catch (SQLException e) {
            connection.abort(Runnable::run);
            throw e;
        }
    }

    private static void lock(Connection connection, String sql, String examId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, JdbcExamCatalog.SEALING_LOCK);
            statement.setString(2, examId);
            statement.execute();
        }
    }

    private SealResult seal(Connection connection, String examId, String closedBy) throws SQLException {
        List<SealedSession> sealed = new ArrayList<>();
        List<String> running = new ArrayList<>();
        List<String> undecided = new ArrayList<>();
        List<ChainVerifier.Finding> damaged = new ArrayList<>();
        new EventStoreReader(connection).chainsStartingWith(SessionIds.prefixOf(examId), events -> {
            ChainVerifier.Result chain = ChainVerifier.verify(events.getFirst().aggregateIdentifier(), events);
            StoredEvent last = events.getLast();
            if (!chain.intact()) {
                damaged.add(chain.finding().orElseThrow());
            } else if (events.stream().noneMatch(event -> SUBMITTED.equals(event.payloadType()))) {
                running.add(last.aggregateIdentifier());
            } else if (events.stream()
                            .filter(event -> JOURNAL_UPLOADED.equals(event.payloadType()))
                            .count()
                    > events.stream()
                            .filter(event -> JOURNAL_DECIDED.contains(event.payloadType()))
                            .count()) {
                undecided.add(last.aggregateIdentifier());
            } else {
                sealed.add(new SealedSession(
                        last.aggregateIdentifier(), last.sequenceNumber(), EventHashes.hex(chain.finalHash())));
            }
        });
        if (!damaged.isEmpty()) {
            ChainVerifier.Finding first = damaged.getFirst();
            throw DomainException.precondition(
                    "LOG_DAMAGED",
                    "The log of %d session(s) of exam %s is damaged; ".formatted(damaged.size(), examId)
                            + "first: session " + first.aggregateIdentifier() + ", "
                            + first.describe() + ". Nothing was sealed.");
        }
        if (!running.isEmpty()) {
            throw DomainException.precondition(
                    "SESSIONS_RUNNING",
                    ("%d session(s) of exam %s are still running (e.g. %s); "
                                    + "each is submitted at its deadline at the latest. Close the exam after that.")
                            .formatted(running.size(), examId, running.getFirst()));
        }
        if (!undecided.isEmpty()) {
            throw DomainException.precondition(
                    "JOURNALS_UNDECIDED",
                    ("%d session(s) of exam %s have an uploaded offline "
                                    + "journal no proctor has accepted or rejected yet (e.g. %s). Decide about each first: once sealed, "
                                    + "nothing can be added to a session.")
                            .formatted(undecided.size(), examId, undecided.getFirst()));
        }
        return commands.sendAndWait(new SealExam(examId, sealed, closedBy));
    }
}
