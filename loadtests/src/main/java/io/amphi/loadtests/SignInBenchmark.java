package io.amphi.loadtests;

import io.amphi.auth.AuthApplication;
import io.amphi.auth.domain.AccessCodeHasher;
import io.amphi.auth.domain.AccessCodes;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Candidate sign-ins per second on one auth replica (embedded PostgreSQL, real gRPC on loopback),
 * next to the machine's raw rate of the same access-code hash on every core, measured in the same
 * run: the hash is the cost a sign-in cannot avoid. Every loop stops after a fixed time. A figure,
 * not a pass/fail test.
 *
 * <p>Arguments: [clients=4] [seconds=20] [warm-up seconds=10] [hash iterations=10000]
 */
public final class SignInBenchmark {

    private static final String EXAM = "benchmark-2026";
    private static final int CANDIDATES = 500;

    private SignInBenchmark() {}

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        int cores = Runtime.getRuntime().availableProcessors();

        double rawBefore = rawHashesPerSecond(iterations, cores, seconds / 2);
        Path data = Files.createTempDirectory("amphi-signin-benchmark-");
        ConfigurableApplicationContext auth = new SpringApplicationBuilder(AuthApplication.class)
                .run(
                        "--amphi.grpc.port=0",
                        "--amphi.auth.http.port=0",
                        "--amphi.embedded-postgres.data-directory=" + data,
                        "--amphi.hazelcast.cluster-name=signin-benchmark-" + UUID.randomUUID(),
                        "--amphi.auth.access-code-hash-iterations=" + iterations,
                        "--logging.level.root=warn");
        ManagedChannel channel = NettyChannelBuilder.forAddress(
                        "127.0.0.1", auth.getBean(GrpcServerLifecycle.class).port())
                .usePlaintext()
                .build();
        try {
            List<CandidateCredentials.Issued> issued = new ArrayList<>();
            for (int i = 0; i < CANDIDATES; i++) {
                issued.add(new CandidateCredentials.Issued(EXAM, "B%05d".formatted(i), AccessCodes.generate()));
            }
            auth.getBean(CandidateCredentials.class).store(issued);
            signIn(channel, issued, clients, warmUp);
            long[] latencies = signIn(channel, issued, clients, seconds);
            double rawAfter = rawHashesPerSecond(iterations, cores, seconds / 2);
            double perSecond = latencies.length / (double) seconds;
            double raw = (rawBefore + rawAfter) / 2;
            Arrays.sort(latencies);
            System.out.printf(
                    """

                    Sign-ins on one auth replica: %d clients, %d s after %d s of warm-up, PBKDF2-HMAC-SHA256 at %d iterations, %d cores
                    | measure | per second | p50 ms | p99 ms |
                    |---|---|---|---|
                    | raw access-code hashes on every core (before) | %.0f | | |
                    | LoginCandidate over gRPC | %.0f | %.1f | %.1f |
                    | raw access-code hashes on every core (after) | %.0f | | |
                    Sign-ins per raw hash: %.2f. A 30-minute check-in of 100,000 candidates needs %.0f sign-ins a second on average.
                    %n""",
                    clients,
                    seconds,
                    warmUp,
                    iterations,
                    cores,
                    rawBefore,
                    perSecond,
                    percentile(latencies, 0.50) / 1000.0,
                    percentile(latencies, 0.99) / 1000.0,
                    rawAfter,
                    perSecond / raw,
                    100_000 / 1800.0);
        } finally {
            channel.shutdownNow();
            auth.close();
            BenchmarkServices.deleteFolder(data);
        }
    }

    /** Signs candidates in, round robin, from {@code clients} threads for {@code seconds}; each sign-in's latency in µs. */
    private static long[] signIn(
            ManagedChannel channel, List<CandidateCredentials.Issued> issued, int clients, int seconds)
            throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<long[]>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int offset = c;
            results.add(pool.submit(() -> {
                var auth = AuthServiceGrpc.newBlockingStub(channel);
                long[] latencies = new long[1_000_000];
                int done = 0;
                for (int i = offset; System.nanoTime() < end && done < latencies.length; i += clients) {
                    CandidateCredentials.Issued candidate = issued.get(i % issued.size());
                    long started = System.nanoTime();
                    auth.withDeadlineAfter(30, TimeUnit.SECONDS)
                            .loginCandidate(LoginCandidateRequest.newBuilder()
                                    .setExamId(candidate.examId())
                                    .setCandidateNumber(candidate.candidateNumber())
                                    .setAccessCode(candidate.accessCode())
                                    .build());
                    latencies[done++] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started);
                }
                return Arrays.copyOf(latencies, done);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> result : results) {
            all.add(result.get());
        }
        pool.shutdown();
        return all.stream().flatMapToLong(Arrays::stream).toArray();
    }

    /** How many access-code hashes the machine computes per second on every core at once. */
    private static double rawHashesPerSecond(int iterations, int cores, int seconds) throws Exception {
        AccessCodeHasher hasher = new AccessCodeHasher(iterations);
        String stored = hasher.hash("K7QM-3WXA-PR9E");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(2, seconds));
        ExecutorService pool = Executors.newFixedThreadPool(cores);
        List<Future<Long>> counts = new ArrayList<>();
        long started = System.nanoTime();
        for (int c = 0; c < cores; c++) {
            counts.add(pool.submit(() -> {
                long done = 0;
                while (System.nanoTime() < end) {
                    hasher.matches("K7QM-3WXA-PR9F", stored);
                    done++;
                }
                return done;
            }));
        }
        long total = 0;
        for (Future<Long> count : counts) {
            total += count.get();
        }
        pool.shutdown();
        return total / ((System.nanoTime() - started) / 1e9);
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
