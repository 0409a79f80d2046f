package io.amphi.platform.axon;

import java.util.List;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
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
 */
final class DescriptiveJdbcEventStorageEngine extends JdbcEventStorageEngine {

    private static final int MAX_REASON = 200;

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
