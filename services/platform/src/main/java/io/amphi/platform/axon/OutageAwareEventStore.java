package io.amphi.platform.axon;

import io.amphi.platform.db.DatabaseFailures;
import java.util.Optional;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStoreException;

/**
 * Axon's embedded event store, except that a snapshot that cannot be read because the database is
 * out of reach fails the aggregate's load at once. Axon reads the events instead, which waits for
 * the database a second time: a command was answered only after twice the pool's wait.
 */
final class OutageAwareEventStore extends EmbeddedEventStore {

    OutageAwareEventStore(Builder builder) {
        super(builder);
    }

    @Override
    protected Optional<DomainEventMessage<?>> handleSnapshotReadingError(String aggregateIdentifier, Throwable error) {
        if (DatabaseFailures.unreachable(error)) {
            throw error instanceof RuntimeException runtime
                    ? runtime
                    : new EventStoreException("Cannot read the snapshot of " + aggregateIdentifier, error);
        }
        return super.handleSnapshotReadingError(aggregateIdentifier, error);
    }
}
