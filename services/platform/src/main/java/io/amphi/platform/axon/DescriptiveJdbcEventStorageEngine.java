package io.amphi.platform.axon;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;

/**
 * Axon's JDBC storage engine, appending by group commit ({@link GroupCommit}) and saying what
 * really happened when an append fails. Axon describes
 * every failed append of an aggregate's event as "was already inserted", even when the database
 * went away mid-append and nothing was inserted at all; and it repeats the whole INSERT, answers
 * included, in the message. Here only a duplicate (aggregate, sequence) says so; any other
 * failure says the event was not stored, with the database's reason and none of the statement.
 *
 * <p>Reading the log's head is paced: a reader that met the head (found nothing past the range it
 * asked for) reads again no sooner than {@link #HEAD_READ_PACE} later. Axon's event store reads again as soon
 * as a read found anything, so under group commit its reader queried the database once per
 * committed batch, a few rows each, several hundred times a second: a tenth of the service's CPU
 * at 2,000 saves/s, besides the database's. Projections (the proctor's live view, deadlines) lag
 * behind the saves by at most that much more, and get their events in fewer, larger batches. A
 * reader catching up (whole ranges) is not held back. (A processor reading a private stream may wait
 * out the pace while holding Axon's lock on its consumer, a rare path; it delays only that much.)
 */
final class DescriptiveJdbcEventStorageEngine extends JdbcEventStorageEngine {

    private static final int MAX_REASON = 200;

    static final Duration HEAD_READ_PACE = Duration.ofMillis(10);

    private static final long NO_READ = Long.MIN_VALUE;

    /** When this thread's last read met the log's head; none since it last read on past it. */
    private final ThreadLocal<long[]> lastReadOfHead = ThreadLocal.withInitial(() -> new long[] {NO_READ});

    private final PersistenceExceptionResolver duplicates;
    private final GroupCommit groupCommit;

    DescriptiveJdbcEventStorageEngine(
            Builder builder, PersistenceExceptionResolver duplicates, GroupCommit groupCommit) {
        super(builder);
        this.duplicates = duplicates;
        this.groupCommit = groupCommit;
    }

    /**
     * By group commit: the events are committed, with those of other commands, before this
     * returns (commands have no transaction of their own).
     */
    @Override
    protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
        if (events.isEmpty()) {
            return;
        }
        try {
            groupCommit.append(events, serializer);
        } catch (GroupCommit.AppendFailed failed) {
            handlePersistenceException(failed.reason(), failed.firstEvent());
        }
    }

    @Override
    protected List<? extends TrackedEventData<?>> fetchTrackedEvents(TrackingToken lastToken, int batchSize) {
        long[] lastRead = lastReadOfHead.get();
        if (lastRead[0] != NO_READ) {
            long wait = lastRead[0] + HEAD_READ_PACE.toNanos() - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        List<? extends TrackedEventData<?>> batch = super.fetchTrackedEvents(lastToken, batchSize);
        lastRead[0] = reachedHead(lastToken, batchSize, batch) ? System.nanoTime() : NO_READ;
        return batch;
    }

    /**
     * Axon reads the range of global indexes after the token, {@code batchSize} wide, not the next
     * {@code batchSize} rows: a range with gaps (numbers a rolled-back or refused insert used up)
     * returns fewer rows though more follow. Only a read whose last row ends before the range
     * does has met the head.
     */
    private static boolean reachedHead(
            TrackingToken lastToken, int batchSize, List<? extends TrackedEventData<?>> batch) {
        if (batch.isEmpty()) {
            return true;
        }
        if (batch.getLast().trackingToken() instanceof GapAwareTrackingToken last
                && (lastToken == null || lastToken instanceof GapAwareTrackingToken)) {
            long from = lastToken == null ? -1 : ((GapAwareTrackingToken) lastToken).getIndex();
            return last.getIndex() < from + batchSize;
        }
        return batch.size() < batchSize;
    }

    @Override
    protected void handlePersistenceException(Exception exception, EventMessage<?> failedEvent) {
        if (duplicates.isDuplicateKeyViolation(exception)) {
            // Axon's own words are true here; it always throws.
            super.handlePersistenceException(exception, failedEvent);
        }
        String event = failedEvent instanceof DomainEventMessage<?> domainEvent
                ? "Event %d of %s".formatted(domainEvent.getSequenceNumber(), domainEvent.getAggregateIdentifier())
                : "Event " + failedEvent.getIdentifier();
        String outcome = connectionLost(exception)
                ? "may not have been stored (the database did not confirm its transaction)"
                : "was not stored (nothing of its transaction was)";
        throw new EventStoreException("%s %s: %s".formatted(event, outcome, reason(exception)), exception);
    }

    /** A connection lost or silent mid-transaction (SQL state class 08) leaves the commit unknown. */
    private static boolean connectionLost(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** The database's own reason (its SQL state and message), never the statement it was about. */
    private static String reason(Throwable failure) {
        java.sql.SQLException last = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql) {
                last = sql.getNextException() != null ? sql.getNextException() : sql;
            }
        }
        if (last == null) {
            return failure.getClass().getSimpleName();
        }
        String message = String.valueOf(last.getMessage());
        String reason = message.contains("INSERT INTO") ? "(the statement is not repeated here)" : message;
        return "SQL state %s: %s"
                .formatted(
                        last.getSQLState(),
                        reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason);
    }
}
