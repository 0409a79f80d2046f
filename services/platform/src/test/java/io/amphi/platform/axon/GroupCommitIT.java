package io.amphi.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.amphi.platform.audit.ChainVerifier;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.platform.db.DatabaseLayout;
import io.amphi.platform.db.EmbeddedPostgresServer;
import io.amphi.platform.db.EventStoreReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit on a real PostgreSQL, connected as a service's role (INSERT and SELECT on the event
 * store, nothing more): concurrent commands share transactions and each gets its own chain; a
 * command another node beat to a position fails alone; a database error fails its whole batch and
 * stores none of it. Readers of the log's head, woken by every batch, are paced; readers catching
 * up are not.
 */
class GroupCommitIT {

    private static final Serializer SERIALIZER = JacksonSerializer.defaultSerializer();

    @TempDir
    static Path data;

    private static EmbeddedPostgresServer postgres;
    private static HikariDataSource service;

    /** A payload as small as an answer. */
    record Noted(String text) {}

    @BeforeAll
    static void startDatabase() {
        postgres = EmbeddedPostgresServer.start(data.resolve("pg"), List.of());
        try (HikariDataSource owner = pool("postgres", 2)) {
            DatabaseLayout.prepare(owner);
            DatabaseLayout.migrateEventStore(owner, DatabaseLayout.EVENT_STORE_OWNER);
        }
        service = pool("amphi_delivery", 4);
    }

    @AfterAll
    static void stopDatabase() {
        service.close();
        postgres.close();
    }

    @Test
    void concurrentCommandsShareTransactionsAndEachAggregateKeepsItsChain() throws Exception {
        int sessions = 16;
        int saves = 40;
        try (GroupCommit groupCommit = groupCommit(service)) {
            ExecutorService commands = Executors.newFixedThreadPool(sessions);
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                String aggregate = "many:session-" + s;
                done.add(commands.submit(() -> {
                    for (int i = 0; i < saves; i++) {
                        groupCommit.append(List.of(event(aggregate, i)), SERIALIZER);
                    }
                    return null;
                }));
            }
            for (Future<?> command : done) {
                command.get(60, TimeUnit.SECONDS);
            }
            commands.shutdown();

            GroupCommit.Figures figures = groupCommit.figures();
            assertThat(figures.appends()).isEqualTo((long) sessions * saves);
            assertThat(figures.events()).isEqualTo((long) sessions * saves);
            assertThat(figures.batches())
                    .as("commands waiting together are committed together")
                    .isLessThan(figures.appends());
        }
        for (int s = 0; s < sessions; s++) {
            List<StoredEvent> stored = stored("many:session-" + s);
            assertThat(stored).extracting(StoredEvent::sequenceNumber).containsExactlyElementsOf(range(saves));
            assertThat(ChainVerifier.verify("many:session-" + s, stored).intact())
                    .isTrue();
        }
    }

    @Test
    void aPositionAnotherNodeStoredFirstFailsOnlyItsOwnCommand() throws Exception {
        try (GroupCommit otherNode = groupCommit(service)) {
            otherNode.append(List.of(event("race:taken", 0)), SERIALIZER);
        }
        try (GroupCommit thisNode = groupCommit(service)) {
            ExecutorService commands = Executors.newFixedThreadPool(8);
            Future<?> loser = commands.submit(() -> {
                thisNode.append(List.of(event("race:taken", 0), event("race:taken", 1)), SERIALIZER);
                return null;
            });
            List<Future<?>> others = new ArrayList<>();
            for (int s = 0; s < 7; s++) {
                String aggregate = "race:free-" + s;
                others.add(commands.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        thisNode.append(List.of(event(aggregate, i)), SERIALIZER);
                    }
                    return null;
                }));
            }
            assertThatThrownBy(() -> loser.get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(GroupCommit.AppendFailed.class)
                    .satisfies(failed -> assertThat(
                                    ((SQLException) ((GroupCommit.AppendFailed) failed).reason()).getSQLState())
                            .as("reported as a duplicate key: Axon makes it a retryable concurrency conflict")
                            .isEqualTo("23505"));
            for (Future<?> other : others) {
                other.get(30, TimeUnit.SECONDS);
            }
            commands.shutdown();
        }
        assertThat(stored("race:taken")).hasSize(1);
        for (int s = 0; s < 7; s++) {
            assertThat(stored("race:free-" + s)).hasSize(5);
        }
    }

    @Test
    void aDatabaseErrorFailsItsWholeBatchAndStoresNoneOfIt() throws Exception {
        CountDownLatch firstBatchHeld = new CountDownLatch(1);
        FirstCallDataSource held = firstConnectionHeldUntil(firstBatchHeld);
        try (GroupCommit groupCommit = groupCommit(held)) {
            ExecutorService commands = Executors.newFixedThreadPool(6);
            Future<?> first = commands.submit(() -> {
                groupCommit.append(List.of(event("error:first", 0)), SERIALIZER);
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> held.asked > 0);
            List<Future<?>> batchMates = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                String aggregate = "error:mate-" + s;
                batchMates.add(commands.submit(() -> {
                    groupCommit.append(List.of(event(aggregate, 0)), SERIALIZER);
                    return null;
                }));
            }
            // Longer than the column allows: the database refuses the whole statement.
            String tooLong = "error:" + "x".repeat(300);
            batchMates.add(commands.submit(() -> {
                groupCommit.append(List.of(event(tooLong, 0)), SERIALIZER);
                return null;
            }));
            await().atMost(Duration.ofSeconds(10)).until(() -> groupCommit.queued() == 5);
            firstBatchHeld.countDown();

            first.get(30, TimeUnit.SECONDS);
            for (Future<?> mate : batchMates) {
                assertThatThrownBy(() -> mate.get(30, TimeUnit.SECONDS))
                        .cause()
                        .isInstanceOf(GroupCommit.AppendFailed.class)
                        .hasMessageContaining("too long");
            }
            commands.shutdown();
        }
        assertThat(stored("error:first")).hasSize(1);
        for (int s = 0; s < 4; s++) {
            assertThat(stored("error:mate-" + s))
                    .as("nothing of the failed batch")
                    .isEmpty();
        }
    }

    @Test
    void aWriterThatFailsUnexpectedlyRefusesItsBatchAndGoesOn() throws Exception {
        FirstCallDataSource failing = new FirstCallDataSource(service, () -> {
            throw new OutOfMemoryError("simulated");
        });
        try (GroupCommit groupCommit = groupCommit(failing)) {
            assertThatThrownBy(() -> groupCommit.append(List.of(event("writer:refused", 0)), SERIALIZER))
                    .isInstanceOf(GroupCommit.AppendFailed.class)
                    .hasMessageContaining("The event writer failed");
            groupCommit.append(List.of(event("writer:stored", 0)), SERIALIZER);
        }
        assertThat(stored("writer:refused")).isEmpty();
        assertThat(stored("writer:stored")).hasSize(1);
    }

    /** The service's connections, the first handed out only once {@code released} (at most 30 s). */
    private static FirstCallDataSource firstConnectionHeldUntil(CountDownLatch released) {
        return new FirstCallDataSource(service, () -> {
            try {
                released.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void aReaderAtTheHeadReadsAgainNoSoonerThanThePace() throws Exception {
        try (GroupCommit groupCommit = groupCommit(service)) {
            groupCommit.append(List.of(event("pace:head", 0)), SERIALIZER);
        }
        DescriptiveJdbcEventStorageEngine engine = engine(1000);
        List<? extends TrackedEventMessage<?>> log =
                engine.readEvents(null, false).toList();
        long headReached = System.nanoTime();
        assertThat(engine.readEvents(log.getLast().trackingToken(), false).toList())
                .isEmpty();

        assertThat(Duration.ofNanos(System.nanoTime() - headReached))
                .isGreaterThanOrEqualTo(DescriptiveJdbcEventStorageEngine.HEAD_READ_PACE.minusMillis(1));
    }

    @Test
    void aReaderCatchingUpIsNotHeldBack() throws Exception {
        int events = 200;
        DescriptiveJdbcEventStorageEngine engine = engine(2);
        TrackingToken before = engine.createHeadToken();
        try (GroupCommit groupCommit = groupCommit(service)) {
            for (int i = 0; i < events; i++) {
                groupCommit.append(List.of(event("pace:behind", i)), SERIALIZER);
            }
        }
        long start = System.nanoTime();
        assertThat(engine.readEvents(before, false).count()).isEqualTo(events);

        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("a hundred reads of whole batches, none waiting the pace out")
                .isLessThan(DescriptiveJdbcEventStorageEngine.HEAD_READ_PACE.multipliedBy(events / 2 - 1));
    }

    private static DescriptiveJdbcEventStorageEngine engine(int batchSize) {
        return new DescriptiveJdbcEventStorageEngine(
                JdbcEventStorageEngine.builder()
                        .schema(AxonPostgresAutoConfiguration.EVENT_SCHEMA)
                        .dataType(byte[].class)
                        .eventSerializer(SERIALIZER)
                        .snapshotSerializer(SERIALIZER)
                        .connectionProvider(service::getConnection)
                        .transactionManager(NoTransactionManager.INSTANCE)
                        .batchSize(batchSize),
                new PostgresDuplicateKeyResolver(),
                groupCommit(service));
    }

    private static GroupCommit groupCommit(DataSource connections) {
        return groupCommit(connections, GroupCommit.LONGEST_WAIT);
    }

    private static GroupCommit groupCommit(DataSource connections, Duration longestWait) {
        return new GroupCommit(
                () -> connections,
                false,
                AxonPostgresAutoConfiguration.EVENT_SCHEMA,
                new HashChain(),
                1,
                1000,
                longestWait);
    }

    @Test
    void whatACommandHeldIsLetGoWhenItsBatchEndsNotWhenTheCommandStopsWaiting() throws Exception {
        CountDownLatch databaseAnswers = new CountDownLatch(1);
        FirstCallDataSource hanging = firstConnectionHeldUntil(databaseAnswers);
        AtomicBoolean letGo = new AtomicBoolean();
        try (GroupCommit groupCommit = groupCommit(hanging, Duration.ofMillis(300))) {
            DefaultUnitOfWork<?> command = DefaultUnitOfWork.startAndGet(null);
            try {
                assertThatThrownBy(() -> groupCommit.append(List.of(event("unknown:outcome", 0)), SERIALIZER))
                        .isInstanceOf(GroupCommit.AppendFailed.class)
                        .hasMessageContaining("may or may not be stored");
                GroupCommit.whenAppendSettled(command, () -> letGo.set(true));
                Thread.sleep(300);
                assertThat(letGo).as("held while the batch may still commit").isFalse();

                databaseAnswers.countDown();
                await().atMost(Duration.ofSeconds(10)).untilTrue(letGo);
            } finally {
                command.rollback();
            }
            AtomicBoolean settledAtOnce = new AtomicBoolean();
            DefaultUnitOfWork<?> next = DefaultUnitOfWork.startAndGet(null);
            try {
                groupCommit.append(List.of(event("unknown:next", 0)), SERIALIZER);
                GroupCommit.whenAppendSettled(next, () -> settledAtOnce.set(true));
                assertThat(settledAtOnce)
                        .as("an answered append settles at once")
                        .isTrue();
            } finally {
                next.rollback();
            }
        }
        assertThat(stored("unknown:outcome"))
                .as("stored after all: the command was told it may have been")
                .hasSize(1);
    }

    private static GenericDomainEventMessage<Noted> event(String aggregate, long sequence) {
        return new GenericDomainEventMessage<>("Test", aggregate, sequence, new Noted("save " + sequence));
    }

    private static List<StoredEvent> stored(String aggregate) throws SQLException {
        try (Connection connection = service.getConnection()) {
            return new EventStoreReader(connection).aggregate(aggregate);
        }
    }

    private static List<Long> range(int size) {
        List<Long> numbers = new ArrayList<>();
        for (long i = 0; i < size; i++) {
            numbers.add(i);
        }
        return numbers;
    }

    private static HikariDataSource pool(String user, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl("postgres"));
        config.setUsername(user);
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }

    /** Runs something (waits, fails) before handing out its first connection: the writers' only caller. */
    private static final class FirstCallDataSource implements DataSource {
        private final DataSource delegate;
        private final Runnable firstCall;
        private volatile int asked;

        FirstCallDataSource(DataSource delegate, Runnable firstCall) {
            this.delegate = delegate;
            this.firstCall = firstCall;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (asked++ == 0) {
                firstCall.run();
            }
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return delegate.getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return delegate.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            delegate.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            delegate.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return delegate.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            return delegate.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return delegate.isWrapperFor(type);
        }
    }
}
