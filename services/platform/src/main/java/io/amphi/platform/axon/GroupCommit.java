package io.amphi.platform.axon;

import io.amphi.platform.audit.StoredEvent;
import io.amphi.platform.axon.HashChain.Link;
import io.amphi.platform.axon.HashChain.Position;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: the events of commands appending at the same moment are written in one
 * transaction, with one INSERT, by a writer thread, instead of one transaction per command.
 * A command's {@link #append} returns only once its events are durably committed, so nothing is
 * acknowledged before it is stored. Within a batch each command stands alone: one whose
 * (aggregate, sequence) another node stored first is refused by itself (retryable), and its
 * batch-mates are written without it; a database failure fails every command of the batch, none
 * of whose events is stored.
 *
 * <p>Writers use connections of their own, never the pool the service draws from: a busy pool would
 * make every waiting command wait longer still, and whatever holds a pooled connection while its
 * command waits (the sealing hold-back lock) could make a writer wait for itself.
 */
public final class GroupCommit implements AutoCloseable {

    /** What the writers did since start: transactions, commands and events written. */
    public record Figures(long batches, long appends, long events) {}

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    /** Why a command's events were not stored, and the first of them, for the engine's message. */
    static final class AppendFailed extends Exception {
        private final transient EventMessage<?> firstEvent;

        AppendFailed(Exception cause, EventMessage<?> firstEvent) {
            super(cause.getMessage(), cause);
            this.firstEvent = firstEvent;
        }

        Exception reason() {
            return (Exception) getCause();
        }

        EventMessage<?> firstEvent() {
            return firstEvent;
        }
    }

    /** An event with its payload already serialized (on the command's thread, not the writer's). */
    private record Prepared(DomainEventMessage<?> event, SerializedObject<byte[]> payload) {}

    /** One command's events and the promise that they are stored. */
    private record Pending(List<Prepared> events, Serializer serializer, CompletableFuture<Void> stored) {

        void fail(Exception reason) {
            stored.completeExceptionally(
                    new AppendFailed(reason, events.getFirst().event()));
        }
    }

    private static final String UNIQUE_VIOLATION = "23505";

    /** The longest a command waits for its batch; beyond it, the database is taken as out of reach. */
    static final Duration LONGEST_WAIT = Duration.ofSeconds(60);

    /** The unit of work's resource naming its append's outcome. */
    private static final String APPEND_OUTCOME = GroupCommit.class.getName() + ".outcome";

    private final Supplier<DataSource> connections;
    private final boolean ownsConnections;
    private final EventSchema schema;
    private final HashChain chain;
    private final int writers;
    private final int maxEventsPerBatch;
    private final Duration longestWait;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> running = new ArrayList<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong appends = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private DataSource dataSource;
    private volatile boolean closed;

    /**
     * @param connections       where the writers' connections come from, asked at the first append
     * @param ownsConnections   whether that data source is the writers' own, closed with them
     * @param writers           threads writing batches; each holds one connection
     * @param maxEventsPerBatch the most events one transaction takes
     * @param longestWait       how long a command waits for its batch before it is told the
     *                          outcome is unknown
     */
    GroupCommit(
            Supplier<DataSource> connections,
            boolean ownsConnections,
            EventSchema schema,
            HashChain chain,
            int writers,
            int maxEventsPerBatch,
            Duration longestWait) {
        if (writers < 1 || maxEventsPerBatch < 1) {
            throw new IllegalArgumentException("At least one writer and one event per batch");
        }
        this.connections = connections;
        this.ownsConnections = ownsConnections;
        this.schema = schema;
        this.chain = chain;
        this.writers = writers;
        this.maxEventsPerBatch = maxEventsPerBatch;
        this.longestWait = longestWait;
    }

    /** Stores the events, in one transaction with those of other commands, and returns once committed. */
    void append(List<? extends EventMessage<?>> messages, Serializer serializer) throws AppendFailed {
        List<Prepared> prepared = new ArrayList<>(messages.size());
        for (EventMessage<?> message : messages) {
            DomainEventMessage<?> event = asDomainEvent(message);
            prepared.add(new Prepared(event, event.serializePayload(serializer, byte[].class)));
        }
        Pending pending = new Pending(prepared, serializer, new CompletableFuture<>());
        enqueue(pending);
        CurrentUnitOfWork.ifStarted(unitOfWork -> unitOfWork.root().resources().put(APPEND_OUTCOME, pending.stored()));
        awaitOutcome(pending, longestWait);
    }

    /**
     * Runs {@code action} once the unit of work's events are stored or known not to be: at once,
     * unless its command stopped waiting while its batch may still commit; then when the batch
     * ends. What a command holds until its events are in (the sealing's hold-back) is let go this
     * way, never while they might still arrive.
     */
    public static void whenAppendSettled(UnitOfWork<?> unitOfWork, Runnable action) {
        CompletableFuture<Void> outcome = unitOfWork.root().getResource(APPEND_OUTCOME);
        if (outcome == null || outcome.isDone()) {
            action.run();
        } else {
            outcome.whenCompleteAsync(
                    (stored, failure) -> {
                        try {
                            action.run();
                        } catch (RuntimeException e) {
                            log.warn("What a command held until its events were stored could not be let go", e);
                        }
                    },
                    Thread::startVirtualThread);
        }
    }

    /**
     * Waits for the batch's outcome, even when interrupted: giving up while the batch may still
     * commit would report a command as failed whose events are stored. Only a writer silent for
     * longer than {@code longestWait} (the database hanging mid-commit) leaves it unknown.
     */
    private static void awaitOutcome(Pending pending, Duration longestWait) throws AppendFailed {
        boolean interrupted = false;
        long deadline = System.nanoTime() + longestWait.toNanos();
        try {
            while (true) {
                try {
                    pending.stored().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof AppendFailed failed) {
                        throw failed;
                    }
                    throw new IllegalStateException("The event writer failed", e.getCause());
                } catch (TimeoutException e) {
                    throw new AppendFailed(
                            new SQLException(
                                    "No answer from the database within %.1f s: these events may or may not be stored"
                                            .formatted(longestWait.toMillis() / 1000.0),
                                    "08006"),
                            pending.events().getFirst().event());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public Figures figures() {
        return new Figures(batches.get(), appends.get(), events.get());
    }

    /** Appends waiting for a writer. */
    int queued() {
        return queue.size();
    }

    /** Queues an append, starting the writers at the first; refused once closing. */
    private synchronized void enqueue(Pending pending) throws AppendFailed {
        if (closed) {
            throw new AppendFailed(
                    new SQLException("The service is shutting down: nothing more is stored", "57P01"),
                    pending.events().getFirst().event());
        }
        if (running.isEmpty()) {
            startWriters();
        }
        queue.add(pending);
    }

    private void startWriters() {
        dataSource = connections.get();
        for (int i = 0; i < writers; i++) {
            running.add(
                    Thread.ofPlatform().name("amphi-event-writer-" + i).daemon().start(this::writeBatches));
        }
    }

    private void writeBatches() {
        List<Pending> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            Pending first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // Only closing stops a writer: a command waits for it.
                continue;
            }
            if (first == null) {
                continue;
            }
            batch.clear();
            batch.add(first);
            int size = first.events().size();
            Pending next;
            while (size < maxEventsPerBatch && (next = queue.poll()) != null) {
                batch.add(next);
                size += next.events().size();
            }
            try {
                write(batch);
            } catch (Throwable e) {
                log.error(
                        "Writing a batch of {} commands failed; they are refused, the writer goes on", batch.size(), e);
                batch.forEach(pending -> pending.fail(new SQLException("The event writer failed: " + e, e)));
            }
        }
    }

    /** Writes a batch; commands refused for a conflict are taken out and the rest written again. */
    private void write(List<Pending> batch) {
        List<Pending> remaining = new ArrayList<>(batch);
        while (!remaining.isEmpty()) {
            Connection connection;
            try {
                connection = dataSource.getConnection();
            } catch (SQLException e) {
                remaining.forEach(pending -> pending.fail(e));
                // No connection to be had: what waits behind this batch would wait as long to fail the
                // same way, so it is answered now.
                for (Pending waiting; (waiting = queue.poll()) != null; ) {
                    waiting.fail(e);
                }
                return;
            }
            try (connection) {
                connection.setAutoCommit(false);
                try {
                    Map<Pending, List<StoredEvent>> rows = chain(connection, remaining);
                    Set<String> inserted = insert(connection, rows.values());
                    List<Pending> refused = rows.entrySet().stream()
                            .filter(row -> !row.getValue().stream()
                                    .allMatch(event -> inserted.contains(event.eventIdentifier())))
                            .map(Map.Entry::getKey)
                            .toList();
                    if (refused.isEmpty()) {
                        connection.commit();
                        chain.remember(lastOfEachAggregate(rows.values()));
                        count(rows);
                        rows.keySet().forEach(pending -> pending.stored().complete(null));
                        return;
                    }
                    connection.rollback();
                    for (Pending conflict : refused) {
                        conflict.fail(new SQLException(
                                "Another node stored an event at this position first", UNIQUE_VIOLATION));
                    }
                    remaining = new ArrayList<>(rows.keySet());
                    remaining.removeAll(refused);
                } catch (SQLException | RuntimeException e) {
                    rollBackQuietly(connection);
                    throw e;
                }
            } catch (SQLException e) {
                remaining.forEach(pending -> pending.fail(e));
                return;
            } catch (RuntimeException e) {
                log.error("Appending a batch of {} commands failed", remaining.size(), e);
                remaining.forEach(pending -> pending.fail(e));
                return;
            }
        }
    }

    /**
     * Each command's events hash-chained after their predecessors: from this batch, from what this
     * node committed last, else read from the store in one query. A command whose predecessor is
     * not stored is failed and left out.
     */
    private Map<Pending, List<StoredEvent>> chain(Connection connection, List<Pending> batch) throws SQLException {
        Set<Position> unknown = new HashSet<>();
        Set<String> inBatch = new HashSet<>();
        for (Pending pending : batch) {
            for (Prepared prepared : pending.events()) {
                DomainEventMessage<?> event = prepared.event();
                String aggregate = event.getAggregateIdentifier();
                if (!inBatch.contains(aggregate)
                        && chain.knownPredecessor(aggregate, event.getSequenceNumber()) == null) {
                    unknown.add(new Position(aggregate, event.getSequenceNumber() - 1));
                }
                inBatch.add(aggregate);
            }
        }
        Map<Position, byte[]> stored = HashChain.storedHashes(connection, schema.domainEventTable(), unknown);
        Map<String, Link> links = new HashMap<>();
        Map<Pending, List<StoredEvent>> rows = new LinkedHashMap<>();
        for (Pending pending : batch) {
            Map<String, Link> pendingLinks = new HashMap<>();
            List<StoredEvent> chained = new ArrayList<>(pending.events().size());
            for (Prepared prepared : pending.events()) {
                DomainEventMessage<?> event = prepared.event();
                String aggregate = event.getAggregateIdentifier();
                long sequence = event.getSequenceNumber();
                Link inThisBatch = pendingLinks.getOrDefault(aggregate, links.get(aggregate));
                byte[] previous = inThisBatch != null && inThisBatch.sequence() == sequence - 1
                        ? inThisBatch.hash()
                        : chain.knownPredecessor(aggregate, sequence);
                if (previous == null) {
                    previous = stored.get(new Position(aggregate, sequence - 1));
                }
                if (previous == null) {
                    chained = null;
                    pending.fail(new SQLException(
                            "Event %d of %s is not stored: event %d cannot follow it"
                                    .formatted(sequence - 1, aggregate, sequence),
                            UNIQUE_VIOLATION));
                    break;
                }
                StoredEvent row = HashChain.chained(event, prepared.payload(), previous, pending.serializer());
                chained.add(row);
                pendingLinks.put(aggregate, new Link(sequence, row.chainHash()));
            }
            if (chained != null) {
                rows.put(pending, chained);
                links.putAll(pendingLinks);
            }
        }
        return rows;
    }

    /** One INSERT for the whole batch, in its order; what the unique keys refused is not returned. */
    private Set<String> insert(Connection connection, Iterable<List<StoredEvent>> rows) throws SQLException {
        List<StoredEvent> all = new ArrayList<>();
        rows.forEach(all::addAll);
        Set<String> inserted = new HashSet<>();
        if (all.isEmpty()) {
            return inserted;
        }
        List<Array> arrays = List.of(
                connection.createArrayOf(
                        "varchar",
                        all.stream().map(StoredEvent::eventIdentifier).toArray(String[]::new)),
                connection.createArrayOf(
                        "varchar",
                        all.stream().map(StoredEvent::aggregateIdentifier).toArray(String[]::new)),
                connection.createArrayOf(
                        "int8", all.stream().map(StoredEvent::sequenceNumber).toArray(Long[]::new)),
                connection.createArrayOf(
                        "varchar", all.stream().map(StoredEvent::type).toArray(String[]::new)),
                connection.createArrayOf(
                        "varchar", all.stream().map(StoredEvent::timestamp).toArray(String[]::new)),
                connection.createArrayOf(
                        "varchar", all.stream().map(StoredEvent::payloadType).toArray(String[]::new)),
                connection.createArrayOf(
                        "varchar",
                        all.stream().map(StoredEvent::payloadRevision).toArray(String[]::new)),
                connection.createArrayOf(
                        "bytea", all.stream().map(StoredEvent::payload).toArray(byte[][]::new)),
                connection.createArrayOf(
                        "bytea", all.stream().map(StoredEvent::metaData).toArray(byte[][]::new)),
                connection.createArrayOf(
                        "bytea", all.stream().map(StoredEvent::chainHash).toArray(byte[][]::new)));
        // Ordered by aggregate and sequence: an aggregate's events get increasing global indexes, so
        // tracking processors see them in sequence, and every node takes the unique keys' locks in
        // the same order, so two nodes' batches never deadlock on each other.
        String sql = "INSERT INTO " + schema.domainEventTable() + " (" + schema.domainEventFields() + ", chain_hash)"
                + " SELECT e, a, s, t, ts, pt, pr, p, m, h FROM unnest(?::varchar[], ?::varchar[], ?::bigint[],"
                + " ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::bytea[], ?::bytea[], ?::bytea[])"
                + " AS batch(e, a, s, t, ts, pt, pr, p, m, h) ORDER BY a, s"
                + " ON CONFLICT DO NOTHING RETURNING " + schema.eventIdentifierColumn();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < arrays.size(); i++) {
                statement.setArray(i + 1, arrays.get(i));
            }
            try (ResultSet returned = statement.executeQuery()) {
                while (returned.next()) {
                    inserted.add(returned.getString(1));
                }
            }
        } finally {
            for (Array array : arrays) {
                array.free();
            }
        }
        return inserted;
    }

    private static Map<String, Link> lastOfEachAggregate(Iterable<List<StoredEvent>> rows) {
        Map<String, Link> last = new HashMap<>();
        for (List<StoredEvent> events : rows) {
            for (StoredEvent event : events) {
                last.put(event.aggregateIdentifier(), new Link(event.sequenceNumber(), event.chainHash()));
            }
        }
        return last;
    }

    private void count(Map<Pending, List<StoredEvent>> rows) {
        batches.incrementAndGet();
        appends.addAndGet(rows.size());
        events.addAndGet(rows.values().stream().mapToLong(List::size).sum());
    }

    private static void rollBackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("Rolling back a failed batch failed too", e);
        }
    }

    private static DomainEventMessage<?> asDomainEvent(EventMessage<?> event) {
        return event instanceof DomainEventMessage<?> domainEvent
                ? domainEvent
                : new GenericDomainEventMessage<>(null, event.getIdentifier(), 0L, event, event::getTimestamp);
    }

    /** Writes what is queued, then stops the writers; later appends are refused. */
    @Override
    public void close() throws InterruptedException {
        List<Thread> threads;
        synchronized (this) {
            closed = true;
            threads = List.copyOf(running);
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        for (Pending left; (left = queue.poll()) != null; ) {
            left.fail(new SQLException("The service stopped before these events were stored", "57P01"));
        }
        if (ownsConnections && dataSource instanceof AutoCloseable own) {
            try {
                own.close();
            } catch (Exception e) {
                log.debug("Closing the event writers' connections failed", e);
            }
        }
    }
}
