package io.amphi.loadtests;

import com.zaxxer.hikari.HikariDataSource;
import io.amphi.delivery.catalog.JdbcExamCatalog;
import io.amphi.delivery.lease.SessionLeases;
import io.amphi.platform.axon.GroupCommit;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.RefreshRequest;
import io.amphi.proto.auth.v1.Tokens;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceFutureStub;
import io.amphi.proto.delivery.v1.HoldSessionRequest;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.SaveAnswerResponse;
import io.amphi.proto.delivery.v1.SaveOutcome;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Saves as candidates make them: thousands of signed-in sessions, each saving on its own timer
 * (one save every sessions / rate seconds, ±20 % jitter, a random first moment), whatever the
 * server's answers do. Latency runs from the moment a save was due, not from when it could be
 * sent, so a stalled server shows as such (no coordinated omission). Over real gRPC on loopback,
 * with the shipped defaults (real tokens, the per-session rate limit, the hash chain, durable
 * commits); the load generator shares the machine. Stops by itself; a figure, not a test.
 *
 * <p>Each session behaves like the web page: it holds its session's lease, renewing it as often
 * as the page does (every {@link SessionLeases#RENEW_EVERY}, on its own timer too), and names
 * itself in every save. Renewals are counted apart from saves.
 *
 * <p>A third phase, as long as the run, refreshes every session's tokens through the auth
 * service from its fifth second, all at once (as when a whole hall signed in the same minute with
 * tokens of one lifetime) or spread over the given seconds, and measures the saves around it: a
 * session's saves carry its new access token as soon as its refresh returns.
 *
 * <p>Arguments: [sessions=6000] [saves per second=2000] [seconds=60] [warm-up seconds=30]
 * [refresh wave spread in seconds=0, or "none"]
 */
public final class OpenLoopSaveBenchmark {

    private static final int CHANNELS = 8;
    private static final double JITTER = 0.2;
    /** Saves not answered yet beyond which the generator stops sending (and counts them unsent). */
    private static final int MAX_IN_FLIGHT = 50_000;
    /** Browsers refreshing at the same moment: each of these calls auth as fast as it answers. */
    private static final int REFRESHERS = 64;

    private static final long WAVE_DELAY_SECONDS = 5;

    private static final long SAVE = 0;
    private static final long RENEWAL = 1;

    private OpenLoopSaveBenchmark() {}

    /** What one run at the offered rate did. */
    private static final class Run {
        final long startNanos = System.nanoTime();
        final AtomicInteger recorded = new AtomicInteger();
        final long[] latenciesMicros;
        final AtomicLongArray okPerSecond;
        final Map<Status.Code, AtomicLong> errors = new ConcurrentHashMap<>();
        final AtomicLong unsent = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong lastCompletionNanos = new AtomicLong(System.nanoTime());
        final AtomicLong longestSilenceNanos = new AtomicLong();
        final AtomicLong renewals = new AtomicLong();
        final Map<Status.Code, AtomicLong> renewalErrors = new ConcurrentHashMap<>();

        Run(int seconds, int expected) {
            latenciesMicros = new long[expected];
            okPerSecond = new AtomicLongArray(seconds + 60);
        }

        void completed(long dueNanos, boolean ok, Status.Code code) {
            long now = System.nanoTime();
            long previous = lastCompletionNanos.getAndSet(now);
            longestSilenceNanos.accumulateAndGet(now - previous, Math::max);
            if (ok) {
                int slot = recorded.getAndIncrement();
                if (slot < latenciesMicros.length) {
                    latenciesMicros[slot] = (now - dueNanos) / 1_000;
                }
                int second = (int) TimeUnit.NANOSECONDS.toSeconds(now - startNanos);
                if (second < okPerSecond.length()) {
                    okPerSecond.incrementAndGet(second);
                }
            } else {
                errors.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 6000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        Integer waveSpread = args.length > 4 && args[4].equals("none")
                ? null
                : Integer.valueOf(args.length > 4 ? Integer.parseInt(args[4]) : 0);
        Path data = Files.createTempDirectory("amphi-open-loop");
        String cluster = "open-loop-" + data.getFileName();
        try (ConfigurableApplicationContext auth = BenchmarkServices.auth(
                        data,
                        cluster,
                        // Longer than the run: token refreshes are measured apart, not mixed in here.
                        "--amphi.auth.access-token-lifetime=1h");
                ConfigurableApplicationContext delivery = BenchmarkServices.delivery(
                        data,
                        cluster,
                        auth,
                        // The door's pace is not what is measured: every session starts before the run.
                        "--amphi.delivery.admission.rate=100000")) {
            int port = delivery.getBean(GrpcServerLifecycle.class).port();
            long setup = System.nanoTime();
            List<Tokens> signedIn = SaveThroughputBenchmark.signInForTokens(auth, sessions);
            List<String> tokens = signedIn.stream().map(Tokens::getAccessToken).toList();
            List<String> sessionIds =
                    SaveThroughputBenchmark.openExam(delivery.getBean(JdbcExamCatalog.class), tokens, port);
            System.out.printf(
                    "%d sessions signed in and started in %.0f s%n", sessions, (System.nanoTime() - setup) / 1e9);

            List<ManagedChannel> channels = new ArrayList<>();
            for (int i = 0; i < CHANNELS; i++) {
                channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port)
                        .usePlaintext()
                        .build());
            }
            AtomicReferenceArray<DeliveryServiceFutureStub> stubs = new AtomicReferenceArray<>(sessions);
            for (int i = 0; i < sessions; i++) {
                stubs.set(i, stub(channels.get(i % CHANNELS), tokens.get(i)));
            }
            long[] nextSaveNumber = new long[sessions];
            List<Queue<Long>> acknowledged = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                acknowledged.add(new ConcurrentLinkedQueue<>());
            }
            GroupCommit groupCommit = delivery.getBean(GroupCommit.class);

            GroupCommit.Figures cold = groupCommit.figures();
            Run warmingUp = drive(stubs, sessionIds, nextSaveNumber, acknowledged, rate, warmup);
            GroupCommit.Figures before = groupCommit.figures();
            if (warmup > 0) {
                report("Warm-up, the JVM cold", sessions, rate, warmup, warmingUp, cold, before);
            }
            Run run = drive(stubs, sessionIds, nextSaveNumber, acknowledged, rate, seconds);
            GroupCommit.Figures after = groupCommit.figures();
            report("Amphi open-loop saves", sessions, rate, seconds, run, before, after);
            if (waveSpread != null) {
                RefreshWave wave = new RefreshWave(
                        auth.getBean(GrpcServerLifecycle.class).port(), signedIn, stubs, channels, waveSpread);
                GroupCommit.Figures beforeWave = groupCommit.figures();
                wave.start();
                Run during = drive(stubs, sessionIds, nextSaveNumber, acknowledged, rate, seconds);
                GroupCommit.Figures afterWave = groupCommit.figures();
                wave.finish();
                report("Saves around a refresh wave", sessions, rate, seconds, during, beforeWave, afterWave);
                wave.report();
            }
            channels.forEach(ManagedChannel::shutdown);
            for (ManagedChannel channel : channels) {
                channel.awaitTermination(30, TimeUnit.SECONDS);
            }
            String jdbcUrl = delivery.getBean(HikariDataSource.class).getJdbcUrl();
            checkStored(jdbcUrl, sessionIds, acknowledged);
            BenchmarkServices.auditVerify(jdbcUrl, SaveThroughputBenchmark.EXAM);
        } finally {
            BenchmarkServices.deleteFolder(data);
        }
    }

    /**
     * Sends every session's saves when they are due for {@code seconds}, then waits for the last
     * answers. The timers live in one queue read by one thread; calls are asynchronous.
     */
    private static Run drive(
            AtomicReferenceArray<DeliveryServiceFutureStub> stubs,
            List<String> sessionIds,
            long[] nextSaveNumber,
            List<Queue<Long>> acknowledged,
            int rate,
            int seconds)
            throws InterruptedException {
        int sessions = stubs.length();
        long periodNanos = (long) (1e9 * sessions / rate);
        Run run = new Run(seconds, (int) Math.min(Integer.MAX_VALUE - 8, (long) rate * seconds * 2));
        long end = run.startNanos + TimeUnit.SECONDS.toNanos(seconds);
        Random random = new Random(42);
        long renewNanos = SessionLeases.RENEW_EVERY.toNanos();
        PriorityQueue<long[]> due = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 0; i < sessions; i++) {
            due.add(new long[] {run.startNanos + (long) (random.nextDouble() * periodNanos), i, SAVE});
            due.add(new long[] {run.startNanos + (long) (random.nextDouble() * renewNanos), i, RENEWAL});
        }
        AtomicInteger inFlight = new AtomicInteger();
        while (true) {
            long[] next = due.poll();
            if (next[0] >= end) {
                break;
            }
            long wait = next[0] - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int session = (int) next[1];
            if (next[2] == RENEWAL) {
                inFlight.incrementAndGet();
                renew(
                        stubs.get(session),
                        sessionIds.get(session),
                        SaveThroughputBenchmark.GrpcClients.clientId(session),
                        run,
                        inFlight::decrementAndGet);
                due.add(new long[] {next[0] + renewNanos, session, RENEWAL});
                continue;
            }
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                run.unsent.incrementAndGet();
            } else {
                inFlight.incrementAndGet();
                long number = ++nextSaveNumber[session];
                Queue<Long> acknowledgedNumbers = acknowledged.get(session);
                send(
                        stubs.get(session),
                        sessionIds.get(session),
                        SaveThroughputBenchmark.GrpcClients.clientId(session),
                        number,
                        next[0],
                        run,
                        inFlight::decrementAndGet,
                        () -> acknowledgedNumbers.add(number));
            }
            double jitter = 1 + JITTER * (2 * random.nextDouble() - 1);
            due.add(new long[] {next[0] + (long) (periodNanos * jitter), session, SAVE});
        }
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (run.recorded.get() + errorCount(run) < run.sent.get() && System.nanoTime() < waitUntil) {
            Thread.sleep(50);
        }
        return run;
    }

    private static void send(
            DeliveryServiceFutureStub stub,
            String sessionId,
            String clientId,
            long number,
            long dueNanos,
            Run run,
            Runnable onAnswer,
            Runnable onAcknowledged) {
        String question = SaveThroughputBenchmark.GrpcClients.QUESTIONS.get(
                (int) (number % SaveThroughputBenchmark.GrpcClients.QUESTIONS.size()));
        run.sent.incrementAndGet();
        var call = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                .saveAnswer(SaveAnswerRequest.newBuilder()
                        .setSessionId(sessionId)
                        .setClientId(clientId)
                        .setQuestionId(question)
                        .setSaveNumber(number)
                        .setAnswer(SaveThroughputBenchmark.GrpcClients.answerFor(question, number))
                        .build());
        call.addListener(
                () -> {
                    onAnswer.run();
                    try {
                        SaveAnswerResponse response = call.get();
                        boolean applied = response.getOutcome() == SaveOutcome.SAVE_OUTCOME_APPLIED;
                        run.completed(dueNanos, applied, applied ? Status.Code.OK : Status.Code.UNKNOWN);
                        if (applied) {
                            onAcknowledged.run();
                        }
                    } catch (Exception e) {
                        run.completed(dueNanos, false, Status.fromThrowable(e).getCode());
                    }
                },
                Runnable::run);
    }

    /** The page's lease renewal; its answer is only counted. */
    private static void renew(
            DeliveryServiceFutureStub stub, String sessionId, String clientId, Run run, Runnable onAnswer) {
        var call = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                .holdSession(HoldSessionRequest.newBuilder()
                        .setSessionId(sessionId)
                        .setClientId(clientId)
                        .build());
        call.addListener(
                () -> {
                    onAnswer.run();
                    try {
                        call.get();
                        run.renewals.incrementAndGet();
                    } catch (Exception e) {
                        run.renewalErrors
                                .computeIfAbsent(Status.fromThrowable(e).getCode(), c -> new AtomicLong())
                                .incrementAndGet();
                    }
                },
                Runnable::run);
    }

    private static DeliveryServiceFutureStub stub(ManagedChannel channel, String accessToken) {
        return DeliveryServiceGrpc.newFutureStub(channel).withInterceptors(BenchmarkServices.bearer(accessToken));
    }

    /**
     * Every session refreshes its tokens through auth, from {@link #WAVE_DELAY_SECONDS} into the
     * phase: all at once, or the i-th session at i / sessions of the spread; its next saves carry
     * the new access token.
     */
    private static final class RefreshWave {
        private final List<Tokens> signedIn;
        private final AtomicReferenceArray<DeliveryServiceFutureStub> stubs;
        private final List<ManagedChannel> deliveryChannels;
        private final int spreadSeconds;
        private final ManagedChannel authChannel;
        private final ExecutorService refreshers = Executors.newFixedThreadPool(REFRESHERS);
        private final long[] latenciesMicros;
        private final AtomicInteger refreshed = new AtomicInteger();
        private final Map<Status.Code, AtomicLong> failures = new ConcurrentHashMap<>();
        private final List<Future<?>> refreshes = new ArrayList<>();
        private long startNanos;
        private volatile long lastNanos;

        RefreshWave(
                int authPort,
                List<Tokens> signedIn,
                AtomicReferenceArray<DeliveryServiceFutureStub> stubs,
                List<ManagedChannel> deliveryChannels,
                int spreadSeconds) {
            this.signedIn = signedIn;
            this.stubs = stubs;
            this.deliveryChannels = deliveryChannels;
            this.spreadSeconds = spreadSeconds;
            this.authChannel = NettyChannelBuilder.forAddress("127.0.0.1", authPort)
                    .usePlaintext()
                    .build();
            this.latenciesMicros = new long[signedIn.size()];
        }

        void start() {
            int sessions = signedIn.size();
            startNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAVE_DELAY_SECONDS);
            AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(authChannel);
            for (int i = 0; i < sessions; i++) {
                int session = i;
                long dueNanos = startNanos + TimeUnit.SECONDS.toNanos(spreadSeconds) * i / sessions;
                refreshes.add(refreshers.submit(() -> {
                    long wait = dueNanos - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    try {
                        Tokens tokens = auth.withDeadlineAfter(30, TimeUnit.SECONDS)
                                .refresh(RefreshRequest.newBuilder()
                                        .setRefreshToken(signedIn.get(session).getRefreshToken())
                                        .build());
                        stubs.set(session, stub(deliveryChannels.get(session % CHANNELS), tokens.getAccessToken()));
                        long now = System.nanoTime();
                        latenciesMicros[refreshed.getAndIncrement()] = (now - dueNanos) / 1_000;
                        lastNanos = now;
                    } catch (RuntimeException e) {
                        failures.computeIfAbsent(Status.fromThrowable(e).getCode(), c -> new AtomicLong())
                                .incrementAndGet();
                    }
                }));
            }
        }

        void finish() throws Exception {
            for (Future<?> refresh : refreshes) {
                refresh.get(2, TimeUnit.MINUTES);
            }
            refreshers.shutdown();
            authChannel.shutdown();
            authChannel.awaitTermination(30, TimeUnit.SECONDS);
        }

        void report() {
            long[] latencies = Arrays.copyOf(latenciesMicros, refreshed.get());
            Arrays.sort(latencies);
            System.out.printf(
                    """
                    refresh wave from the %dth second, spread over %d s, %d at a time: %d tokens refreshed in %.1f s,\
                     refresh latency from when it was due p50 %.1f ms, p99 %.1f ms, max %.1f ms; failures %s
                    """,
                    WAVE_DELAY_SECONDS,
                    spreadSeconds,
                    REFRESHERS,
                    latencies.length,
                    latencies.length == 0 ? 0.0 : (lastNanos - startNanos) / 1e9,
                    percentile(latencies, 0.50),
                    percentile(latencies, 0.99),
                    percentile(latencies, 1.0),
                    failures.isEmpty() ? "none" : failures.toString());
        }
    }

    private static long errorCount(Run run) {
        return run.errors.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** The run's figures, with what the event store's writers did between {@code before} and {@code after}. */
    private static void report(
            String title,
            int sessions,
            int rate,
            int seconds,
            Run run,
            GroupCommit.Figures before,
            GroupCommit.Figures after) {
        long batches = after.batches() - before.batches();
        long appends = after.appends() - before.appends();
        int count = Math.min(run.recorded.get(), run.latenciesMicros.length);
        long[] latencies = Arrays.copyOf(run.latenciesMicros, count);
        Arrays.sort(latencies);
        long[] perSecond = new long[seconds];
        for (int i = 0; i < seconds; i++) {
            perSecond[i] = run.okPerSecond.get(i);
        }
        long[] steady = Arrays.copyOfRange(perSecond, Math.min(2, seconds), seconds);
        System.out.printf(
                """

                %s (%d sessions, %d saves/s offered, %d s, %d cores, %s)
                sent %d, acknowledged %d (%.0f per second), unsent (over %d in flight) %d, errors %s
                latency from when each save was due: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms
                acknowledged per second (from the 3rd second): min %d, median %d, max %d
                longest time without any answer: %.0f ms
                event store: %d transactions, %.1f commands each on average
                lease renewals beside the saves: %d, errors %s
                """,
                title,
                sessions,
                rate,
                seconds,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                run.sent.get(),
                count,
                count / (double) seconds,
                MAX_IN_FLIGHT,
                run.unsent.get(),
                run.errors.isEmpty() ? "none" : run.errors.toString(),
                percentile(latencies, 0.50),
                percentile(latencies, 0.90),
                percentile(latencies, 0.99),
                percentile(latencies, 0.999),
                percentile(latencies, 1.0),
                Arrays.stream(steady).min().orElse(0),
                median(steady),
                Arrays.stream(steady).max().orElse(0),
                run.longestSilenceNanos.get() / 1e6,
                batches,
                batches == 0 ? 0.0 : appends / (double) batches,
                run.renewals.get(),
                run.renewalErrors.isEmpty() ? "none" : run.renewalErrors.toString());
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1000.0;
    }

    private static long median(long[] values) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Every acknowledged save must be in the store, once; a save refused may or may not be. */
    private static void checkStored(String jdbcUrl, List<String> sessionIds, List<Queue<Long>> acknowledged)
            throws Exception {
        Map<String, Set<Long>> stored = new HashMap<>();
        long storedCount = 0;
        long twice = 0;
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                ResultSet rows = connection
                        .createStatement()
                        .executeQuery("SELECT aggregate_identifier,"
                                + " (convert_from(payload, 'UTF8')::jsonb ->> 'saveNumber')::bigint"
                                + " FROM event_store.domain_event_entry WHERE payload_type LIKE '%AnswerSaved'")) {
            while (rows.next()) {
                storedCount++;
                if (!stored.computeIfAbsent(rows.getString(1), session -> new HashSet<>())
                        .add(rows.getLong(2))) {
                    twice++;
                }
            }
        }
        long acked = 0;
        long lost = 0;
        for (int i = 0; i < sessionIds.size(); i++) {
            Set<Long> numbers = stored.getOrDefault(sessionIds.get(i), Set.of());
            for (long number : acknowledged.get(i)) {
                acked++;
                if (!numbers.contains(number)) {
                    lost++;
                }
            }
        }
        System.out.printf(
                "acknowledged saves (warm-up and run): %d; AnswerSaved events stored: %d;"
                        + " acknowledged but not stored: %d; stored twice: %d%n%n",
                acked, storedCount, lost, twice);
    }
}
