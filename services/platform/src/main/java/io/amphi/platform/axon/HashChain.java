package io.amphi.platform.axon;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.StoredEvent;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;

/**
 * Each aggregate's events form a hash chain: an event's metadata gets the hash of the previous
 * event of its aggregate ({@link EventHashes#PREVIOUS_HASH}) and its own hash is stored beside it
 * ({@code chain_hash}). Chained where events are written, so no handler can forget it.
 *
 * <p>The predecessor's hash comes from the last event this node committed for the aggregate when
 * that was the predecessor (a committed event never changes), else it is read from the store.
 * Were another node to append the same position concurrently, the unique (aggregate, sequence) key
 * refuses one of the two, so a chain never forks.
 */
final class HashChain {

    /** The last event of an aggregate: its position and hash. */
    record Link(long sequence, byte[] hash) {}

    /** An event of an aggregate, by position. */
    record Position(String aggregate, long sequence) {}

    private final Cache<String, Link> committed = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(1))
            .build();

    /**
     * The hash event {@code sequence} of {@code aggregate} follows, when known without reading the
     * store: the genesis value for a first event, else the last event this node committed for it.
     */
    byte[] knownPredecessor(String aggregate, long sequence) {
        if (sequence == 0) {
            return EventHashes.GENESIS;
        }
        Link last = committed.getIfPresent(aggregate);
        return last != null && last.sequence() == sequence - 1 ? last.hash() : null;
    }

    /** Only a committed event may serve as a predecessor: call once the events are committed. */
    void remember(Map<String, Link> lastOfEachAggregate) {
        committed.putAll(lastOfEachAggregate);
    }

    /**
     * The stored chain hashes of the given events, read in one query; an event stored before
     * chaining (no hash) counts as the genesis value, since its chain starts anew after it. An
     * event that is not stored is absent from the result.
     */
    static Map<Position, byte[]> storedHashes(Connection connection, String table, Collection<Position> events)
            throws SQLException {
        Map<Position, byte[]> hashes = new HashMap<>();
        if (events.isEmpty()) {
            return hashes;
        }
        String[] aggregates = events.stream().map(Position::aggregate).toArray(String[]::new);
        Long[] sequences = events.stream().map(Position::sequence).toArray(Long[]::new);
        Array aggregateArray = connection.createArrayOf("varchar", aggregates);
        Array sequenceArray = connection.createArrayOf("int8", sequences);
        try (PreparedStatement query = connection.prepareStatement("SELECT e.aggregate_identifier, e.sequence_number,"
                + " e.chain_hash FROM " + table + " e JOIN unnest(?::varchar[], ?::bigint[]) AS wanted(a, s)"
                + " ON e.aggregate_identifier = wanted.a AND e.sequence_number = wanted.s")) {
            query.setArray(1, aggregateArray);
            query.setArray(2, sequenceArray);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    byte[] hash = rows.getBytes(3);
                    hashes.put(
                            new Position(rows.getString(1), rows.getLong(2)),
                            hash == null ? EventHashes.GENESIS : hash);
                }
            }
        } finally {
            aggregateArray.free();
            sequenceArray.free();
        }
        return hashes;
    }

    /**
     * The event as stored after {@code previous}: its metadata names the predecessor's hash, and
     * its own hash covers every stored field (AUDIT-FORMAT.md).
     */
    static StoredEvent chained(
            DomainEventMessage<?> event, SerializedObject<byte[]> payload, byte[] previous, Serializer serializer) {
        MetaData metaData = event.getMetaData().and(EventHashes.PREVIOUS_HASH, EventHashes.hex(previous));
        StoredEvent unhashed = new StoredEvent(
                event.getIdentifier(),
                event.getAggregateIdentifier(),
                event.getSequenceNumber(),
                event.getType(),
                DateTimeUtils.formatInstant(event.getTimestamp()),
                payload.getType().getName(),
                payload.getType().getRevision(),
                payload.getData(),
                serializer.serialize(metaData, byte[].class).getData(),
                null);
        return new StoredEvent(
                unhashed.eventIdentifier(),
                unhashed.aggregateIdentifier(),
                unhashed.sequenceNumber(),
                unhashed.type(),
                unhashed.timestamp(),
                unhashed.payloadType(),
                unhashed.payloadRevision(),
                unhashed.payload(),
                unhashed.metaData(),
                EventHashes.hash(previous, unhashed));
    }
}
