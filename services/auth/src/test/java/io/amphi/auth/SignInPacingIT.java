package io.amphi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hazelcast.core.HazelcastInstance;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.ServiceAccounts;
import io.amphi.platform.grpc.ErrorMapping;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.AuthServiceGrpc.AuthServiceBlockingStub;
import io.amphi.proto.auth.v1.AuthenticateClientRequest;
import io.amphi.proto.auth.v1.ClearSignInFailuresRequest;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.amphi.proto.common.v1.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Failed sign-ins are paced without letting anyone keep a candidate out. The test plays the
 * gateway: it is the trusted proxy, and names each call's client in {@code x-forwarded-for}, so
 * classmates, attackers and lecture halls get addresses of their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInPacingIT {

    private static final String EXAM = "edn-2026";

    @TempDir
    static Path data;

    private ConfigurableApplicationContext context;
    private ManagedChannel channel;

    @BeforeAll
    void start() {
        context = new SpringApplicationBuilder(AuthApplication.class)
                .run(
                        "--amphi.grpc.port=0",
                        "--amphi.embedded-postgres.data-directory=" + data,
                        "--amphi.hazelcast.cluster-name=pacing-it-" + UUID.randomUUID(),
                        "--amphi.auth.http.port=0",
                        "--amphi.grpc.trusted-proxies=127.0.0.1",
                        // A costly hash makes the work of a sign-in plain to see against a lookup.
                        "--amphi.auth.access-code-hash-iterations=50000");
        channel = NettyChannelBuilder.forAddress(
                        "127.0.0.1", context.getBean(GrpcServerLifecycle.class).port())
                .usePlaintext()
                .build();
        List<CandidateCredentials.Issued> issued = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            issued.add(new CandidateCredentials.Issued(EXAM, number(i), code(i)));
        }
        context.getBean(CandidateCredentials.class).store(issued);
    }

    @AfterAll
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        context.close();
    }

    private static String number(int i) {
        return "P%04d".formatted(i);
    }

    private static String code(int i) {
        return "CODE-%04d-PACE".formatted(i);
    }

    /** The auth service as reached from {@code address} through the gateway. */
    private AuthServiceBlockingStub from(String address) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER), address);
        return AuthServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static LoginCandidateRequest login(String number, String code) {
        return LoginCandidateRequest.newBuilder()
                .setExamId(EXAM)
                .setCandidateNumber(number)
                .setAccessCode(code)
                .build();
    }

    private static StatusRuntimeException refusal(Runnable call) {
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(refused).as("refused").isNotNull();
        return refused;
    }

    private static ErrorInfo info(StatusRuntimeException refused) {
        return refused.getTrailers().get(ErrorMapping.ERROR_INFO_KEY);
    }

    @Test
    void aClassmatesWrongCodesLockOnlyTheClassmatesAddressOut() {
        AuthServiceBlockingStub classmate = from("10.1.0.66");
        for (int i = 0; i < 3; i++) {
            int guess = i;
            assertThat(refusal(() -> classmate.loginCandidate(login(number(1), "GUESS-" + guess)))
                            .getStatus()
                            .getCode())
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        StatusRuntimeException locked = refusal(() -> classmate.loginCandidate(login(number(1), code(1))));
        assertThat(locked.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(info(locked).getReason()).isEqualTo("SIGN_IN_LOCKED");

        assertThat(from("10.1.0.7").loginCandidate(login(number(1), code(1))).getAccessToken())
                .as("the candidate, from their own seat, signs in at once")
                .isNotEmpty();
    }

    @Test
    void guessingFromManyAddressesIsPacedAndTheCandidatesOwnAddressIsNotHeldUp() throws Exception {
        for (int i = 0; i < 10; i++) {
            int guesser = i;
            assertThat(refusal(() -> from("10.3.0." + guesser).loginCandidate(login(number(2), "GUESS-" + guesser)))
                            .getStatus()
                            .getCode())
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            long started = System.nanoTime();
            List<Future<Status.Code>> guesses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int guesser = i;
                guesses.add(pool.submit(() -> refusal(
                                () -> from("10.3.0." + guesser).loginCandidate(login(number(2), "GUESS-" + guesser)))
                        .getStatus()
                        .getCode()));
            }
            for (Future<Status.Code> guess : guesses) {
                assertThat(guess.get()).isEqualTo(Status.Code.UNAUTHENTICATED);
            }
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(tookMillis)
                    .as("four more guesses at once are spaced a second apart")
                    .isGreaterThanOrEqualTo(2_900);
        } finally {
            pool.shutdown();
        }
        long started = System.nanoTime();
        assertThat(from("10.3.1.1").loginCandidate(login(number(2), code(2))).getAccessToken())
                .as("the candidate, from an address that never failed, signs in")
                .isNotEmpty();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                .as("without waiting behind the guessers")
                .isLessThan(1_000);
    }

    @Test
    void aLectureHallBehindOneAddressIsSlowedDownNeverLockedOut() {
        AuthServiceBlockingStub hall = from("198.51.100.10");
        for (int i = 0; i < 110; i++) {
            String typo = "X%04d".formatted(i);
            assertThat(refusal(() -> hall.loginCandidate(login(typo, "TYPO-CODE")))
                            .getStatus()
                            .getCode())
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        long started = System.nanoTime();
        for (int i = 3; i <= 12; i++) {
            assertThat(hall.loginCandidate(login(number(i), code(i))).getAccessToken())
                    .as("candidate %d of the hall signs in", i)
                    .isNotEmpty();
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                .as("the hall's sign-ins are spaced out, 100 ms apart")
                .isGreaterThanOrEqualTo(900);
    }

    @Test
    void aProctorClearsACandidatesFailuresAtOnce() {
        AuthServiceBlockingStub seat = from("10.4.0.1");
        for (int i = 0; i < 3; i++) {
            refusal(() -> seat.loginCandidate(login(number(20), "TYPO")));
        }
        assertThat(info(refusal(() -> seat.loginCandidate(login(number(20), code(20)))))
                        .getReason())
                .isEqualTo("SIGN_IN_LOCKED");

        ServiceAccounts.Created proctor =
                context.getBean(ServiceAccounts.class).create("proctor-pacing", "proctor", Set.of(), Set.of(EXAM));
        String token = seat.authenticateClient(AuthenticateClientRequest.newBuilder()
                        .setClientId("proctor-pacing")
                        .setClientSecret(proctor.secret())
                        .build())
                .getAccessToken();
        Metadata bearer = new Metadata();
        bearer.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        assertThat(seat.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer))
                        .clearSignInFailures(ClearSignInFailuresRequest.newBuilder()
                                .setExamId(EXAM)
                                .setCandidateNumber(number(20))
                                .build())
                        .getCleared())
                .isTrue();

        assertThat(seat.loginCandidate(login(number(20), code(20))).getAccessToken())
                .isNotEmpty();
    }

    @Test
    void anUnknownNumberTakesTheSameWorkAsAWrongCode() {
        long[] wrongCode = new long[15];
        long[] unknownNumber = new long[15];
        for (int i = 0; i < wrongCode.length; i++) {
            int candidate = 25 + i % 10;
            wrongCode[i] = timed(() ->
                    refusal(() -> from("10.5.0." + candidate).loginCandidate(login(number(candidate), "NOPE"))));
            int stranger = i;
            unknownNumber[i] = timed(() ->
                    refusal(() -> from("10.6.0." + stranger).loginCandidate(login("Z" + stranger, "NOPE"))));
        }
        long wrong = median(wrongCode);
        long unknown = median(unknownNumber);
        assertThat(unknown)
                .as("median %d µs for an unknown number against %d µs for a wrong code", unknown, wrong)
                .isGreaterThan(wrong / 2);
    }

    @Test
    void anAttackerSizedNumberIsRefusedBeforeItIsCountedOrLogged() {
        String huge = "C".repeat(3_900_000);
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        root.addAppender(logged);
        try {
            for (int i = 0; i < 5; i++) {
                StatusRuntimeException refused = refusal(() -> from("10.7.0.1").loginCandidate(login(huge, "x")));
                assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(info(refused).getReason()).isEqualTo("INVALID_CANDIDATE_NUMBER");
                assertThat(refused.getStatus().getDescription()).hasSizeLessThan(200);
            }
        } finally {
            root.detachAppender(logged);
        }
        assertThat(logged.list)
                .allSatisfy(event -> assertThat(event.getFormattedMessage()).doesNotContain("C".repeat(100)));
        HazelcastInstance hazelcast = context.getBean(HazelcastInstance.class);
        assertThat(hazelcast.<String, Object>getMap("amphi-login-failures").keySet())
                .allSatisfy(key -> assertThat(key.length()).isLessThan(200));
    }

    private static long timed(Runnable call) {
        long started = System.nanoTime();
        call.run();
        return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
