package io.amphi.platform.db;

import io.amphi.platform.audit.ChainConsumer;
import io.amphi.platform.audit.ChainSplitter;
import io.amphi.platform.audit.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads stored events exactly as they are, in chain order, from the event store; never writes.
 * Large reads stream through a server-side cursor, one aggregate at a time.
 */
public final class EventStoreReader {

    private static final String COLUMNS = """
            event_identifier, aggregate_identifier, sequence_number, type, time_stamp, payload_type,
            payload_revision, payload, meta_data, chain_hash""";

    private final Connection connection;

    /** @param connection a connection this reader may switch to read-only, without auto-commit */
    public EventStoreReader(Connection connection) throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
    }

    /** One aggregate's events by sequence number. */
    public List<StoredEvent> aggregate(String aggregateIdentifier) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM "
                + DatabaseLayout.EVENT_TABLE + " WHERE aggregate_identifier = ? ORDER BY sequence_number")) {
            query.setString(1, aggregateIdentifier);
            List<StoredEvent> events = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    events.add(read(rows));
                }
            }
            return events;
        }
    }

    /** How many events the aggregates whose ids begin with {@code prefix} hold, for progress reports. */
    public long countEventsStartingWith(String prefix) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM " + DatabaseLayout.EVENT_TABLE
                + " WHERE aggregate_identifier LIKE ? ESCAPE '\\'")) {
            query.setString(1, likePrefix(prefix));
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /**
     * Every aggregate whose id begins with {@code prefix} (an exam's sessions: delivery-api's
     * {@code SessionIds.prefixOf}), each with its events in order.
     */
    public <E extends Exception> void chainsStartingWith(String prefix, ChainConsumer<E> eachChain)
            throws SQLException, E {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS
                + " FROM " + DatabaseLayout.EVENT_TABLE + " WHERE aggregate_identifier LIKE ? ESCAPE '\\'"
                + " ORDER BY aggregate_identifier, sequence_number")) {
            query.setFetchSize(5_000);
            query.setString(1, likePrefix(prefix));
            try (ResultSet rows = query.executeQuery()) {
                ChainSplitter<E> sessions = new ChainSplitter<>(eachChain);
                while (rows.next()) {
                    sessions.add(read(rows));
                }
                sessions.finish();
            }
        }
    }

    private static String likePrefix(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static StoredEvent read(ResultSet row) throws SQLException {
        return new StoredEvent(
                row.getString(1),
                row.getString(2),
                row.getLong(3),
                row.getString(4),
                row.getString(5),
                row.getString(6),
                row.getString(7),
                row.getBytes(8),
                row.getBytes(9),
                row.getBytes(10));
    }
}
