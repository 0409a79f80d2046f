package io.amphi.delivery;

import io.amphi.auth.AuthApplication;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.ServiceAccounts;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.AuthServiceGrpc.AuthServiceBlockingStub;
import io.amphi.proto.auth.v1.AuthenticateClientRequest;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real auth service beside a delivery under test: its own embedded PostgreSQL in a temporary
 * folder, the same Hazelcast cluster (revocations reach delivery), the test's clock. Callers get
 * tokens the way a client does, by signing in over gRPC.
 */
public final class RunningAuth implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final ManagedChannel channel;
    private final Path dataDirectory;
    private final boolean ownsDataDirectory;
    private final Map<String, String> accessCodes = new ConcurrentHashMap<>();
    private final Map<String, String> clientSecrets = new ConcurrentHashMap<>();

    private RunningAuth(ConfigurableApplicationContext context, Path dataDirectory, boolean ownsDataDirectory) {
        this.context = context;
        this.dataDirectory = dataDirectory;
        this.ownsDataDirectory = ownsDataDirectory;
        this.channel = NettyChannelBuilder.forTarget(address()).usePlaintext().build();
    }

    /** An auth service on a temporary folder, deleted when it stops. */
    public static RunningAuth start(Clock clock, String clusterName) {
        try {
            return start(clock, clusterName, Files.createTempDirectory("amphi-auth-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An auth service on a folder the test keeps, so it can be stopped and started again on the
     * same data; each {@code key=value} in {@code properties} replaces the tests' default.
     */
    public static RunningAuth startOn(Path dataDirectory, Clock clock, String clusterName, String... properties) {
        return start(clock, clusterName, dataDirectory, false, properties);
    }

    private static RunningAuth start(
            Clock clock, String clusterName, Path dataDirectory, boolean ownsDataDirectory, String... properties) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("amphi.grpc.port", "0");
        settings.put("amphi.auth.http.port", "0");
        settings.put("amphi.embedded-postgres.data-directory", dataDirectory.toString());
        settings.put("amphi.hazelcast.cluster-name", clusterName);
        // The tests move their clock by hours; tokens must outlive those jumps.
        settings.put("amphi.auth.access-token-lifetime", "6h");
        // Hundreds of candidates are issued codes per test; the hashing cost is not under test here.
        settings.put("amphi.auth.access-code-hash-iterations", "1000");
        for (String property : properties) {
            String[] keyAndValue = property.split("=", 2);
            settings.put(keyAndValue[0], keyAndValue[1]);
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(AuthApplication.class)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("clock", clock))
                .run(settings.entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new));
        return new RunningAuth(context, dataDirectory, ownsDataDirectory);
    }

    /** Where delivery fetches the signing keys from. */
    public String address() {
        return "127.0.0.1:" + context.getBean(GrpcServerLifecycle.class).port();
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** A fresh access token of the candidate for the exam, issuing them a code first if they have none. */
    public String candidateToken(String examId, String candidateNumber) {
        String accessCode = accessCodes.computeIfAbsent(examId + "/" + candidateNumber, key -> {
            String code = "CODE-" + UUID.randomUUID();
            bean(CandidateCredentials.class)
                    .store(List.of(new CandidateCredentials.Issued(examId, candidateNumber, code)));
            return code;
        });
        return auth().loginCandidate(LoginCandidateRequest.newBuilder()
                        .setExamId(examId)
                        .setCandidateNumber(candidateNumber)
                        .setAccessCode(accessCode)
                        .build())
                .getAccessToken();
    }

    /** The access code a candidate was issued by {@link #candidateToken}. */
    public String accessCode(String examId, String candidateNumber) {
        return accessCodes.get(examId + "/" + candidateNumber);
    }

    /** A fresh access token of a proctor's service account, creating the account first if needed. */
    public String proctorToken(String clientId) {
        return serviceToken(clientId, "proctor", RunningDelivery.DEMO_EXAM);
    }

    /** The same for a proctor of another exam. */
    public String proctorTokenFor(String examId, String clientId) {
        return serviceToken(clientId, "proctor", examId);
    }

    /**
     * A fresh access token of a university's service account working on the demo exam, with these
     * scopes, created first if needed.
     */
    public String universityToken(String clientId, String... scopes) {
        return serviceToken(clientId, "university", RunningDelivery.DEMO_EXAM, scopes);
    }

    /** The same for a university working on another exam. */
    public String universityTokenFor(String examId, String clientId, String... scopes) {
        return serviceToken(clientId, "university", examId, scopes);
    }

    /** A fresh access token of an auditor's service account, working on every exam, created first if needed. */
    public String auditorToken(String clientId) {
        return serviceToken(clientId, "auditor", null);
    }

    /** A fresh access token of a platform operator's service account (monitoring), created first if needed. */
    public String operatorToken(String clientId) {
        return serviceToken(clientId, "platform-operator", null);
    }

    private String serviceToken(String clientId, String role, String examId, String... scopes) {
        String secret = clientSecrets.computeIfAbsent(
                clientId,
                id -> bean(ServiceAccounts.class)
                        .create(id, role, Set.of(scopes), examId == null ? Set.of() : Set.of(examId))
                        .secret());
        return auth().authenticateClient(AuthenticateClientRequest.newBuilder()
                        .setClientId(clientId)
                        .setClientSecret(secret)
                        .build())
                .getAccessToken();
    }

    public AuthServiceBlockingStub auth() {
        return AuthServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        context.close();
        if (!ownsDataDirectory) {
            return;
        }
        try (Stream<Path> files = Files.walk(dataDirectory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
