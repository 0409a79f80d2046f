package io.amphi.loadtests;

import com.zaxxer.hikari.HikariDataSource;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.delivery.catalog.JdbcExamCatalog;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.ExamSchedule;
import io.amphi.delivery.lease.SessionLeases;
import io.amphi.gateway.GatewayApplication;
import io.amphi.platform.axon.GroupCommit;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.amphi.proto.auth.v1.Tokens;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.HoldSessionRequest;
import io.amphi.proto.delivery.v1.LikertAnswer;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.SaveOutcome;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.TextAnswer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Durable answer saves per second through gRPC, end to end, next to the physical limit of the same
 * PostgreSQL: raw durable single-row INSERTs at the same concurrency, measured in the same run
 * (before and after the platform run, to show drift); then the same saves over REST through the
 * gateway (JSON over HTTP/1.1 keep-alive, one connection per client), against the gRPC figure of
 * the same run. Everything runs on loopback; every loop stops after a fixed time. A figure, not a
 * pass/fail test.
 *
 * <p>Arguments: [clients=32] [seconds per phase=20] [warm-up seconds=5] [--setting=value ...]; the
 * settings, after all three numbers, go to the delivery service, to measure what one changes.
 */
public final class SaveThroughputBenchmark {

    static final String EXAM = "demo-cardiology";
    private static final byte[] EVENT_SIZED_PAYLOAD = new byte[320];

    private SaveThroughputBenchmark() {}

    /** What one timed phase did. */
    record Phase(String name, long operations, long errors, double seconds, long[] latenciesMicros, CpuUse cpu) {
        double perSecond() {
            return operations / seconds;
        }

        /** Milliseconds of this JVM's CPU per operation: clients and services together. */
        double jvmCpuMillisPerOperation() {
            return operations == 0 ? 0 : cpu.jvmNanos() / 1e6 / operations;
        }

        /** Milliseconds of the whole machine's CPU per operation: this JVM and PostgreSQL's processes. */
        double machineCpuMillisPerOperation() {
            return operations == 0 ? 0 : cpu.machineNanos() / 1e6 / operations;
        }

        /** Of that, the kernel's (system, interrupts): thread hand-offs and socket writes show here. */
        double kernelCpuMillisPerOperation() {
            return operations == 0 ? 0 : cpu.kernelNanos() / 1e6 / operations;
        }

        /** The machine's context switches per operation: each thread hand-off costs two. */
        double contextSwitchesPerOperation() {
            return operations == 0 ? 0 : cpu.contextSwitches() / (double) operations;
        }

        long percentile(double p) {
            if (latenciesMicros.length == 0) {
                return 0;
            }
            return latenciesMicros[
                    Math.min(latenciesMicros.length - 1, (int) Math.ceil(p * latenciesMicros.length) - 1)];
        }
    }

    /** One client's loop: returns the latencies of the operations it completed. */
    interface Operation {
        void run(int client, long iteration) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<String> deliverySettings = new ArrayList<>(List.of(
                // Clients here save far faster than people; the limit is checked on every
                // save (its cost is measured) but set so high it never refuses one.
                "--amphi.delivery.save-rate.burst=1000000000",
                "--spring.datasource.hikari.maximum-pool-size=" + (clients + 8)));
        Arrays.stream(args).skip(3).forEach(deliverySettings::add);
        Path data = Files.createTempDirectory("amphi-bench");

        String cluster = "bench-" + data.getFileName();
        try (ConfigurableApplicationContext auth = BenchmarkServices.auth(
                        data,
                        cluster,
                        // Longer than the whole run, so no client has to refresh in the middle of a phase.
                        "--amphi.auth.access-token-lifetime=1h");
                ConfigurableApplicationContext app =
                        BenchmarkServices.delivery(data, cluster, auth, deliverySettings.toArray(String[]::new))) {
            String jdbcUrl = app.getBean(HikariDataSource.class).getJdbcUrl();
            int port = app.getBean(GrpcServerLifecycle.class).port();
            List<String> tokens = signIn(auth, clients);
            List<String> sessions = openExam(app.getBean(JdbcExamCatalog.class), tokens, port);

            try (RawInserts raw = new RawInserts(jdbcUrl, clients)) {
                run("warm-up", clients, warmup, raw::insert);
                Phase before = run("raw INSERT (before)", clients, seconds, raw::insert);

                try (GrpcClients grpc = new GrpcClients(port, tokens, sessions);
                        ConfigurableApplicationContext gateway = GatewayApplication.builder()
                                .run(
                                        "--server.port=0",
                                        "--logging.level.root=warn",
                                        "--amphi.gateway.auth-address=127.0.0.1:"
                                                + auth.getBean(GrpcServerLifecycle.class)
                                                        .port(),
                                        "--amphi.gateway.delivery-address=127.0.0.1:" + port,
                                        "--amphi.gateway.scoring-address=127.0.0.1:" + port)) {
                    run("warm-up", clients, warmup, grpc::save);
                    grpc.resetNumbers();
                    GroupCommit groupCommit = app.getBean(GroupCommit.class);
                    GroupCommit.Figures writtenBefore = groupCommit.figures();
                    Phase saves = run("gRPC SaveAnswer", clients, seconds, grpc::save);
                    GroupCommit.Figures writtenAfter = groupCommit.figures();
                    int gatewayPort = ((WebServerApplicationContext) gateway)
                            .getWebServer()
                            .getPort();
                    grpc.overRest(gatewayPort, tokens);
                    run("warm-up", clients, warmup, grpc::saveOverRest);
                    Phase rest = run("REST via gateway", clients, seconds, grpc::saveOverRest);
                    Phase after = run("raw INSERT (after)", clients, seconds, raw::insert);
                    report(clients, seconds, before, saves, rest, after);
                    long batches = writtenAfter.batches() - writtenBefore.batches();
                    System.out.printf(
                            "event store during the gRPC phase: %d transactions, %.1f commands each on average%n",
                            batches,
                            batches == 0 ? 0.0 : (writtenAfter.appends() - writtenBefore.appends()) / (double) batches);
                    System.out.printf(
                            "acknowledged saves: %d, AnswerSaved events in the store: %d%n%n",
                            grpc.acknowledged(), storedAnswers(jdbcUrl));
                    BenchmarkServices.auditVerify(jdbcUrl, EXAM);
                }
            }
        } finally {
            BenchmarkServices.deleteFolder(data);
        }
    }

    private static long storedAnswers(String jdbcUrl) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                var result = connection
                        .createStatement()
                        .executeQuery(
                                "SELECT count(*) FROM event_store.domain_event_entry WHERE payload_type LIKE '%AnswerSaved'")) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Issues each client's candidate an access code and signs them in: their access tokens. */
    static List<String> signIn(ConfigurableApplicationContext auth, int clients) {
        return signInForTokens(auth, clients).stream()
                .map(Tokens::getAccessToken)
                .toList();
    }

    /** Signs {@code clients} candidates in; each one's access and refresh tokens. */
    static List<Tokens> signInForTokens(ConfigurableApplicationContext auth, int clients) {
        List<CandidateCredentials.Issued> credentials = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            credentials.add(new CandidateCredentials.Issued(EXAM, candidate(i), "BENCH-" + UUID.randomUUID()));
        }
        auth.getBean(CandidateCredentials.class).store(credentials);
        ManagedChannel channel = NettyChannelBuilder.forAddress(
                        "127.0.0.1", auth.getBean(GrpcServerLifecycle.class).port())
                .usePlaintext()
                .build();
        try {
            // In parallel: each sign-in hashes its code, so thousands of them take a while on one thread.
            return credentials.parallelStream()
                    .map(issued -> AuthServiceGrpc.newBlockingStub(channel)
                            .loginCandidate(LoginCandidateRequest.newBuilder()
                                    .setExamId(EXAM)
                                    .setCandidateNumber(issued.candidateNumber())
                                    .setAccessCode(issued.accessCode())
                                    .build()))
                    .toList();
        } finally {
            channel.shutdownNow();
        }
    }

    static List<String> openExam(JdbcExamCatalog catalog, List<String> tokens, int port) throws IOException {
        int clients = tokens.size();
        try (InputStream in = SaveThroughputBenchmark.class.getResourceAsStream("/exams/demo-cardiology.json")) {
            catalog.publish(in.readAllBytes(), "demo");
        }
        Instant now = Instant.now();
        catalog.schedule(EXAM, new ExamSchedule(now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1))));
        List<Enrolment> enrolments = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            enrolments.add(new Enrolment(EXAM, candidate(i), Duration.ZERO));
        }
        catalog.enrol(enrolments);
        ManagedChannel channel =
                NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            return IntStream.range(0, clients)
                    .parallel()
                    .mapToObj(i -> stub(channel, tokens.get(i))
                            .startSession(StartSessionRequest.newBuilder()
                                    .setExamId(EXAM)
                                    .build())
                            .getSession()
                            .getSessionId())
                    .toList();
        } finally {
            channel.shutdownNow();
        }
    }

    static String candidate(int i) {
        return "bench-%04d".formatted(i);
    }

    static DeliveryServiceBlockingStub stub(ManagedChannel channel, String accessToken) {
        return DeliveryServiceGrpc.newBlockingStub(channel).withInterceptors(BenchmarkServices.bearer(accessToken));
    }

    /** Runs {@code clients} loops for {@code seconds}, each op timed. */
    private static Phase run(String name, int clients, int seconds, Operation operation) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CpuUse cpuBefore = CpuUse.now();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<long[]>> results = new ArrayList<>();
        long start = System.nanoTime();
        long[] errors = new long[clients];
        for (int c = 0; c < clients; c++) {
            int client = c;
            results.add(pool.submit((Callable<long[]>) () -> {
                long[] latencies = new long[1 << 16];
                int count = 0;
                for (long i = 0; System.nanoTime() < end && count < latencies.length; i++) {
                    long t0 = System.nanoTime();
                    try {
                        operation.run(client, i);
                        latencies[count++] = (System.nanoTime() - t0) / 1_000;
                    } catch (Exception e) {
                        errors[client]++;
                        if (errors[client] == 1) {
                            System.err.println(name + ": " + e);
                        }
                    }
                }
                return Arrays.copyOf(latencies, count);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> result : results) {
            all.add(result.get());
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        CpuUse cpu = CpuUse.now().since(cpuBefore);
        pool.shutdown();
        long[] latencies = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Phase(name, latencies.length, Arrays.stream(errors).sum(), elapsed, latencies, cpu);
    }

    private static void report(int clients, int seconds, Phase before, Phase saves, Phase rest, Phase after) {
        double baseline = (before.perSecond() + after.perSecond()) / 2;
        System.out.printf(
                """

                Amphi save throughput (%d concurrent clients, %d s per phase, %d cores, %s)
                %-22s %12s %10s %10s %10s %8s %11s %13s %14s %13s
                """,
                clients,
                seconds,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                "phase",
                "ops/s",
                "p50 ms",
                "p99 ms",
                "max ms",
                "errors",
                "JVM CPU ms",
                "total CPU ms",
                "kernel CPU ms",
                "ctx switches");
        for (Phase phase : List.of(before, saves, rest, after)) {
            System.out.printf(
                    "%-22s %12.0f %10.2f %10.2f %10.2f %8d %11.3f %13.3f %14.3f %13.1f%n",
                    phase.name(),
                    phase.perSecond(),
                    phase.percentile(0.50) / 1000.0,
                    phase.percentile(0.99) / 1000.0,
                    phase.percentile(1.0) / 1000.0,
                    phase.errors(),
                    phase.jvmCpuMillisPerOperation(),
                    phase.machineCpuMillisPerOperation(),
                    phase.kernelCpuMillisPerOperation(),
                    phase.contextSwitchesPerOperation());
        }
        System.out.println("(per operation: CPU ms of this JVM, of the whole machine and of its kernel, clients"
                + " included; the machine's context switches)");
        System.out.printf(
                """
                raw INSERT baseline (mean of before/after): %.0f per second
                durable gRPC saves:                         %.0f per second
                ratio saves / raw INSERTs:                  %.2f
                saves over REST through the gateway:        %.0f per second
                ratio REST / gRPC saves:                    %.2f
                %n""",
                baseline,
                saves.perSecond(),
                saves.perSecond() / baseline,
                rest.perSecond(),
                rest.perSecond() / saves.perSecond());
    }

    /**
     * CPU time used so far: by this JVM, by the whole machine and by its kernel, and the machine's
     * context switches (from {@code /proc/stat}; zero where there is none), so a phase's cost per
     * operation shows where the time goes.
     */
    record CpuUse(long jvmNanos, long machineNanos, long kernelNanos, long contextSwitches) {
        /** One tick of {@code /proc/stat}: USER_HZ is 100 on Linux. */
        private static final long NANOS_PER_TICK = 10_000_000L;

        /** user, nice, system, irq, softirq and steal: everything but idle and iowait. */
        private static final int[] BUSY = {1, 2, 3, 6, 7, 8};

        /** system, irq and softirq. */
        private static final int[] KERNEL = {3, 6, 7};

        static CpuUse now() {
            long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            try {
                List<String> stat = Files.readAllLines(Path.of("/proc/stat"));
                String[] cores = stat.getFirst().trim().split("\\s+");
                long switches = stat.stream()
                        .filter(line -> line.startsWith("ctxt "))
                        .mapToLong(line -> Long.parseLong(line.substring(5).trim()))
                        .findFirst()
                        .orElse(0);
                return new CpuUse(
                        jvm, ticks(cores, BUSY) * NANOS_PER_TICK, ticks(cores, KERNEL) * NANOS_PER_TICK, switches);
            } catch (IOException | RuntimeException e) {
                return new CpuUse(jvm, 0, 0, 0);
            }
        }

        CpuUse since(CpuUse earlier) {
            return new CpuUse(
                    jvmNanos - earlier.jvmNanos,
                    machineNanos - earlier.machineNanos,
                    kernelNanos - earlier.kernelNanos,
                    contextSwitches - earlier.contextSwitches);
        }

        private static long ticks(String[] cores, int[] fields) {
            long sum = 0;
            for (int field : fields) {
                sum += Long.parseLong(cores[field]);
            }
            return sum;
        }
    }

    /** One autocommit connection per client, one durable single-row INSERT per operation. */
    private static final class RawInserts implements AutoCloseable {
        private final List<Connection> connections = new ArrayList<>();
        private final List<PreparedStatement> statements = new ArrayList<>();

        RawInserts(String jdbcUrl, int clients) throws SQLException {
            try (Connection setup = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
                setup.createStatement().execute("""
                        CREATE TABLE IF NOT EXISTS bench_insert (
                            id BIGSERIAL PRIMARY KEY, client INTEGER NOT NULL, iteration BIGINT NOT NULL,
                            payload BYTEA NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now())""");
            }
            for (int i = 0; i < clients; i++) {
                Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                connection.setAutoCommit(true);
                connections.add(connection);
                statements.add(connection.prepareStatement(
                        "INSERT INTO bench_insert (client, iteration, payload) VALUES (?, ?, ?)"));
            }
        }

        void insert(int client, long iteration) throws SQLException {
            PreparedStatement statement = statements.get(client);
            statement.setInt(1, client);
            statement.setLong(2, iteration);
            statement.setBytes(3, EVENT_SIZED_PAYLOAD);
            statement.executeUpdate();
        }

        @Override
        public void close() throws SQLException {
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    /**
     * One candidate session per client, saving answers with increasing save numbers. Each behaves
     * like the web page: it holds its session's lease, names itself in every save and renews the
     * lease as often as the page does.
     */
    static final class GrpcClients implements AutoCloseable {
        static final List<String> QUESTIONS = List.of("q1", "q2", "q3", "case1.q1", "case1.q2", "case1.q3", "q5", "q6");

        private final List<ManagedChannel> channels = new ArrayList<>();
        private final List<DeliveryServiceBlockingStub> stubs = new ArrayList<>();
        private final List<String> sessions;
        private final long[] nextSaveNumber;
        private final long[] renewLeaseAt;
        private final AtomicLong acknowledged = new AtomicLong();
        private final List<HttpClient> httpClients = new ArrayList<>();
        private List<String> tokens = List.of();
        private int gatewayPort;
        private long base = 0;

        GrpcClients(int port, List<String> tokens, List<String> sessions) {
            int clients = tokens.size();
            this.sessions = sessions;
            this.nextSaveNumber = new long[clients];
            this.renewLeaseAt = new long[clients];
            Arrays.fill(renewLeaseAt, System.nanoTime());
            for (int i = 0; i < Math.max(1, clients / 8); i++) {
                channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port)
                        .usePlaintext()
                        .build());
            }
            for (int i = 0; i < clients; i++) {
                stubs.add(stub(channels.get(i % channels.size()), tokens.get(i)));
            }
        }

        void resetNumbers() {
            base = Arrays.stream(nextSaveNumber).max().orElse(0);
        }

        void save(int client, long iteration) {
            holdLeaseWhenDue(client);
            long number = Math.max(base, nextSaveNumber[client]) + 1;
            nextSaveNumber[client] = number;
            String question = QUESTIONS.get((int) (number % QUESTIONS.size()));
            var response = stubs.get(client)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .saveAnswer(SaveAnswerRequest.newBuilder()
                            .setSessionId(sessions.get(client))
                            .setClientId(clientId(client))
                            .setQuestionId(question)
                            .setSaveNumber(number)
                            .setAnswer(answerFor(question, number))
                            .build());
            if (response.getOutcome() != SaveOutcome.SAVE_OUTCOME_APPLIED) {
                throw new IllegalStateException("save " + number + " was " + response.getOutcome());
            }
            acknowledged.incrementAndGet();
        }

        private void holdLeaseWhenDue(int client) {
            if (System.nanoTime() - renewLeaseAt[client] >= 0) {
                stubs.get(client)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .holdSession(HoldSessionRequest.newBuilder()
                                .setSessionId(sessions.get(client))
                                .setClientId(clientId(client))
                                .build());
                renewLeaseAt[client] = System.nanoTime() + SessionLeases.RENEW_EVERY.toNanos();
            }
        }

        /** The id the page of {@code client}'s session names itself with. */
        static String clientId(int client) {
            return "bench-page-" + client;
        }

        /** From now on, saves also go over REST through the gateway on this port, one HTTP/1.1 connection per client. */
        void overRest(int port, List<String> accessTokens) {
            this.gatewayPort = port;
            this.tokens = accessTokens;
            for (int i = 0; i < accessTokens.size(); i++) {
                httpClients.add(HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build());
            }
        }

        void saveOverRest(int client, long iteration) throws IOException, InterruptedException {
            holdLeaseWhenDue(client);
            long number = Math.max(base, nextSaveNumber[client]) + 1;
            nextSaveNumber[client] = number;
            String question = QUESTIONS.get((int) (number % QUESTIONS.size()));
            String body = "{\"saveNumber\":" + number + ",\"answer\":" + jsonAnswerFor(question, number) + "}";
            HttpResponse<String> response = httpClients
                    .get(client)
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/api/v1/sessions/"
                                            + sessions.get(client) + "/answers/" + question))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Authorization", "Bearer " + tokens.get(client))
                                    .header("Content-Type", "application/json")
                                    .header("Amphi-Client", clientId(client))
                                    .PUT(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || !response.body().contains("\"APPLIED\"")) {
                throw new IllegalStateException(
                        "save " + number + " over REST: " + response.statusCode() + " " + response.body());
            }
            acknowledged.incrementAndGet();
        }

        private static String jsonAnswerFor(String question, long number) {
            return switch (question) {
                case "q3", "case1.q3" -> "{\"text\":\"answer " + number + "\"}";
                case "q5", "q6" -> "{\"likert\":" + ((int) (number % 5) - 2) + "}";
                case "q2", "case1.q2" -> "{\"choices\":[\"A\",\"C\"]}";
                default -> "{\"choices\":[\"B\"]}";
            };
        }

        long acknowledged() {
            return acknowledged.get();
        }

        static Answer answerFor(String question, long number) {
            return switch (question) {
                case "q3", "case1.q3" ->
                    Answer.newBuilder()
                            .setText(TextAnswer.newBuilder().setText("answer " + number))
                            .build();
                case "q5", "q6" ->
                    Answer.newBuilder()
                            .setLikert(LikertAnswer.newBuilder().setValue((int) (number % 5) - 2))
                            .build();
                case "q2", "case1.q2" ->
                    Answer.newBuilder()
                            .setChoices(
                                    ChoiceAnswer.newBuilder().addOptionIds("A").addOptionIds("C"))
                            .build();
                default ->
                    Answer.newBuilder()
                            .setChoices(ChoiceAnswer.newBuilder().addOptionIds("B"))
                            .build();
            };
        }

        @Override
        public void close() {
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }
}
