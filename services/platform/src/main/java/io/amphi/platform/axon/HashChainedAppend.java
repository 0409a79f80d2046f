package io.amphi.platform.axon;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.AppendEventsStatementBuilder;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.TimestampWriter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Appends events hash-chained: each event's metadata gets the hash of the previous event of its
 * aggregate ({@link EventHashes#PREVIOUS_HASH}) and its own hash is stored beside it
 * ({@code chain_hash}). Done here, where events are written, so no handler can forget it.
 *
 * <p>The predecessor's hash comes from the last append this node committed for the aggregate
 * when that was the predecessor (a committed event never changes), else it is read in the
 * appending transaction. Were another node to append the same position concurrently, the unique
 * (aggregate, sequence) key refuses one of the two, so a chain never forks.
 */
public final class HashChainedAppend implements AppendEventsStatementBuilder {

    /** The last event of an aggregate this node saw committed. */
    private record Link(long sequence, byte[] hash) {}

    private final Cache<String, Link> committed = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(1))
            .build();

    @Override
    public PreparedStatement build(
            Connection connection,
            EventSchema schema,
            Class<?> dataType,
            List<? extends EventMessage<?>> events,
            Serializer serializer,
            TimestampWriter timestampWriter)
            throws SQLException {
        PreparedStatement insert = connection.prepareStatement("INSERT INTO " + schema.domainEventTable() + " ("
                + schema.domainEventFields() + ", chain_hash) VALUES (?,?,?,?,?,?,?,?,?,?)");
        Map<String, Link> appended = new HashMap<>();
        for (EventMessage<?> message : events) {
            DomainEventMessage<?> event = asDomainEvent(message);
            String aggregate = event.getAggregateIdentifier();
            byte[] previous = appended.containsKey(aggregate)
                    ? appended.get(aggregate).hash()
                    : previousHash(connection, schema, aggregate, event.getSequenceNumber());
            DomainEventMessage<?> chained =
                    event.andMetaData(Map.of(EventHashes.PREVIOUS_HASH, EventHashes.hex(previous)));
            SerializedObject<?> payload = chained.serializePayload(serializer, byte[].class);
            SerializedObject<?> metaData = chained.serializeMetaData(serializer, byte[].class);
            StoredEvent stored = new StoredEvent(
                    chained.getIdentifier(),
                    aggregate,
                    chained.getSequenceNumber(),
                    chained.getType(),
                    DateTimeUtils.formatInstant(chained.getTimestamp()),
                    payload.getType().getName(),
                    payload.getType().getRevision(),
                    (byte[]) payload.getData(),
                    (byte[]) metaData.getData(),
                    null);
            byte[] hash = EventHashes.hash(previous, stored);
            insert.setString(1, stored.eventIdentifier());
            insert.setString(2, aggregate);
            insert.setLong(3, stored.sequenceNumber());
            insert.setString(4, stored.type());
            insert.setString(5, stored.timestamp());
            insert.setString(6, stored.payloadType());
            insert.setString(7, stored.payloadRevision());
            insert.setBytes(8, stored.payload());
            insert.setBytes(9, stored.metaData());
            insert.setBytes(10, hash);
            insert.addBatch();
            appended.put(aggregate, new Link(stored.sequenceNumber(), hash));
        }
        rememberOnCommit(appended);
        return insert;
    }

    private byte[] previousHash(Connection connection, EventSchema schema, String aggregate, long sequence)
            throws SQLException {
        Link last = committed.getIfPresent(aggregate);
        if (last != null && last.sequence() == sequence - 1) {
            return last.hash();
        }
        return storedHash(connection, schema, aggregate, sequence - 1);
    }

    /** Only a committed event may serve as a predecessor: a rolled-back append is forgotten. */
    private void rememberOnCommit(Map<String, Link> appended) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    committed.putAll(appended);
                }
            });
        }
    }

    /** The chain hash of an aggregate's event; the genesis value before its first event. */
    private static byte[] storedHash(Connection connection, EventSchema schema, String aggregate, long sequence)
            throws SQLException {
        if (sequence < 0) {
            return EventHashes.GENESIS;
        }
        try (PreparedStatement query =
                connection.prepareStatement("SELECT chain_hash FROM " + schema.domainEventTable() + " WHERE "
                        + schema.aggregateIdentifierColumn() + " = ? AND " + schema.sequenceNumberColumn() + " = ?")) {
            query.setString(1, aggregate);
            query.setLong(2, sequence);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("Event %d of %s is not stored: event %d cannot follow it"
                            .formatted(sequence, aggregate, sequence + 1));
                }
                byte[] hash = row.getBytes(1);
                // Events stored before chaining carry no hash: the chain starts anew after them.
                return hash == null ? EventHashes.GENESIS : hash;
            }
        }
    }

    private static DomainEventMessage<?> asDomainEvent(EventMessage<?> event) {
        return event instanceof DomainEventMessage<?> domainEvent
                ? domainEvent
                : new GenericDomainEventMessage<>(null, event.getIdentifier(), 0L, event, event::getTimestamp);
    }
}
