package io.amphi.delivery;

import com.zaxxer.hikari.HikariDataSource;
import io.amphi.delivery.catalog.ContentAnnouncements;
import io.amphi.delivery.catalog.JdbcExamCatalog;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.ExamSchedule;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.platform.db.EventStoreReader;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.platform.v1.GetStatusRequest;
import io.amphi.proto.platform.v1.PlatformStatus;
import io.amphi.proto.platform.v1.PlatformStatusServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The real delivery service for integration tests: embedded PostgreSQL in a folder the test owns,
 * gRPC on an ephemeral loopback port, a clock the test moves, and the real auth service whose
 * signed tokens are the only way in.
 */
public final class RunningDelivery implements AutoCloseable {

    public static final String DEMO_EXAM = "demo-cardiology";

    private final ConfigurableApplicationContext context;
    private final ManagedChannel channel;
    private final RunningAuth auth;
    private final boolean ownsAuth;
    private final Clock clock;
    private final String clusterName;

    private RunningDelivery(
            ConfigurableApplicationContext context,
            RunningAuth auth,
            boolean ownsAuth,
            Clock clock,
            String clusterName) {
        this.context = context;
        this.auth = auth;
        this.ownsAuth = ownsAuth;
        this.clock = clock;
        this.clusterName = clusterName;
        int port = context.getBean(GrpcServerLifecycle.class).port();
        this.channel =
                NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /**
     * Starts an auth service and a delivery replica in a Hazelcast cluster of their own, so a test
     * never joins another run's members; each {@code key=value} in {@code properties} replaces the
     * tests' default.
     */
    public static RunningDelivery start(Path dataDirectory, Clock clock, String... properties) {
        String clusterName = "test-" + UUID.randomUUID();
        RunningAuth auth = RunningAuth.start(clock, clusterName);
        try {
            return start(dataDirectory, clock, auth, true, clusterName, properties);
        } catch (RuntimeException e) {
            auth.close();
            throw e;
        }
    }

    /**
     * Starts a replica trusting an auth service the test runs and stops itself ({@code auth} may be
     * {@code null} while it is down: give its address as {@code amphi.auth.address=...}).
     */
    public static RunningDelivery startWith(
            Path dataDirectory, Clock clock, RunningAuth auth, String clusterName, String... properties) {
        return start(dataDirectory, clock, auth, false, clusterName, properties);
    }

    /** Starts another replica in the cluster of {@code first}, trusting the same auth service. */
    public static RunningDelivery startBeside(RunningDelivery first, Path dataDirectory, String... properties) {
        return start(dataDirectory, first.clock, first.auth, false, first.clusterName, properties);
    }

    private static RunningDelivery start(
            Path dataDirectory,
            Clock clock,
            RunningAuth auth,
            boolean ownsAuth,
            String clusterName,
            String... properties) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("amphi.grpc.port", "0");
        settings.put("amphi.embedded-postgres.data-directory", dataDirectory.toString());
        settings.put("amphi.delivery.auto-submit-interval", "200ms");
        settings.put("amphi.hazelcast.cluster-name", clusterName);
        if (auth != null) {
            settings.put("amphi.auth.address", auth.address());
        }
        for (String property : properties) {
            String[] keyAndValue = property.split("=", 2);
            settings.put(keyAndValue[0], keyAndValue[1]);
        }
        // As command-line arguments, so they win over amphi-delivery.yml (builder properties would not).
        ConfigurableApplicationContext context = new SpringApplicationBuilder(DeliveryApplication.class)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("clock", clock))
                .run(settings.entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new));
        return new RunningDelivery(context, auth, ownsAuth, clock, clusterName);
    }

    public Clock clock() {
        return clock;
    }

    public String clusterName() {
        return clusterName;
    }

    /** The auth service this replica trusts. */
    public RunningAuth auth() {
        return auth;
    }

    /** Publishes the demo exam, opens it around the clock's now and enrols the candidates. */
    public void openDemoExam(Clock clock, List<Enrolment> enrolments) {
        JdbcExamCatalog catalog = catalog();
        try (InputStream in = RunningDelivery.class.getResourceAsStream("/exams/demo-cardiology.json")) {
            bean(ContentAnnouncements.class).announce(catalog.publish(in.readAllBytes(), "demo"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catalog.schedule(
                DEMO_EXAM,
                new ExamSchedule(
                        clock.instant().minus(Duration.ofMinutes(30)),
                        clock.instant().plus(Duration.ofMinutes(30))));
        catalog.enrol(enrolments);
    }

    public JdbcExamCatalog catalog() {
        return context.getBean(JdbcExamCatalog.class);
    }

    public JdbcTemplate jdbc() {
        return context.getBean(JdbcTemplate.class);
    }

    /**
     * The database as its owner sees it, above every service's role: what someone with the
     * server's keys could do to it, as a tampering test needs.
     */
    public JdbcTemplate administrator() {
        return new JdbcTemplate(new SingleConnectionDataSource(
                context.getBean(HikariDataSource.class).getJdbcUrl(), "postgres", "", true));
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public <T> java.util.Map<String, T> beansOf(Class<T> type) {
        return context.getBeansOfType(type);
    }

    public <T> T bean(String name, Class<T> type) {
        return context.getBean(name, type);
    }

    /** A stub carrying the candidate's token for the demo exam, signed in just now. */
    public DeliveryServiceBlockingStub asCandidate(String candidateId) {
        return withToken(auth.candidateToken(DEMO_EXAM, candidateId));
    }

    /** A stub carrying a proctor's token, signed in just now. */
    public DeliveryServiceBlockingStub asProctor(String proctorId) {
        return withToken(auth.proctorToken(proctorId));
    }

    public DeliveryServiceBlockingStub withToken(String accessToken) {
        return withHeader(DeliveryServiceGrpc.newBlockingStub(channel), "authorization", "Bearer " + accessToken)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** What the replica reports to a platform operator through the platform's status service. */
    public PlatformStatus status() {
        return withHeader(
                        PlatformStatusServiceGrpc.newBlockingStub(channel),
                        "authorization",
                        "Bearer " + auth.operatorToken("monitoring"))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .getStatus(GetStatusRequest.getDefaultInstance());
    }

    /** The replica's gRPC port. */
    public int port() {
        return context.getBean(GrpcServerLifecycle.class).port();
    }

    public DeliveryServiceBlockingStub anonymous() {
        return DeliveryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** The stub, sending one more metadata header on every call. */
    public static <S extends AbstractStub<S>> S withHeader(S stub, String header, String value) {
        Metadata metadata = new Metadata();
        metadata.put(Metadata.Key.of(header, Metadata.ASCII_STRING_MARSHALLER), value);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
    }

    /** The payload types of a session's stored events, in order. */
    public List<String> storedEventTypes(String sessionId) {
        return jdbc().queryForList("""
                SELECT payload_type FROM event_store.domain_event_entry WHERE aggregate_identifier = ? ORDER BY sequence_number""", String.class, sessionId).stream()
                .map(t -> t.substring(t.lastIndexOf('$') + 1))
                .toList();
    }

    /** A session's events exactly as stored, for the hash chain. */
    public List<StoredEvent> storedEvents(String sessionId) {
        try (Connection connection = bean(DataSource.class).getConnection()) {
            return new EventStoreReader(connection).aggregate(sessionId);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The newest snapshot of an aggregate, read back with the service's own serializer. */
    public <T> T latestSnapshot(String aggregateId, Class<T> type) {
        Map<String, Object> row = jdbc().queryForMap("""
                SELECT payload, payload_type FROM snapshot_event_entry WHERE aggregate_identifier = ?
                ORDER BY sequence_number DESC LIMIT 1""", aggregateId);
        Serializer serializer = bean("serializer", Serializer.class);
        return type.cast(serializer.deserialize(new SimpleSerializedObject<>(
                (byte[]) row.get("payload"), byte[].class, (String) row.get("payload_type"), null)));
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.close();
        if (ownsAuth) {
            auth.close();
        }
    }
}
