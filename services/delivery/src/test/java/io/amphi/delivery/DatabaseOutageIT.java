package io.amphi.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.platform.db.EmbeddedPostgresServer;
import io.amphi.platform.grpc.ErrorMapping;
import io.amphi.proto.common.v1.ErrorInfo;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.LikertAnswer;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.platform.v1.GetStatusRequest;
import io.amphi.proto.platform.v1.PlatformStatus;
import io.amphi.proto.platform.v1.PlatformStatusServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Delivery's PostgreSQL is killed (SIGKILL) while candidates save: every call fails fast with a
 * retryable UNAVAILABLE, readiness turns NOT_SERVING while liveness stays SERVING, the embedded
 * server is started again by its supervisor, saves resume by themselves, and every acknowledged
 * save is in the event store.
 */
class DatabaseOutageIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;
    private static final int CANDIDATES = 8;
    private static final Duration LOAD = Duration.ofSeconds(16);

    @TempDir
    Path data;

    /** One save a client sent, and how it ended. */
    private record Outcome(
            String session, long number, Status.Code code, String reason, long millis, long endedNanos) {}

    @Test
    void clientsGetAFastRetryableAnswerAndNothingAcknowledgedIsLost() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        try (RunningDelivery delivery =
                RunningDelivery.start(data, Clock.systemUTC(), "amphi.delivery.save-rate.burst=1000")) {
            // Attached once the services are up: starting one resets the logging configuration.
            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            logged.start();
            root.addAppender(logged);
            List<Enrolment> enrolments = new ArrayList<>();
            for (int i = 0; i < CANDIDATES; i++) {
                enrolments.add(new Enrolment(EXAM, "cand-" + i, Duration.ZERO));
            }
            delivery.openDemoExam(Clock.systemUTC(), enrolments);
            List<DeliveryServiceBlockingStub> candidates = new ArrayList<>();
            for (int i = 0; i < CANDIDATES; i++) {
                DeliveryServiceBlockingStub candidate = delivery.asCandidate("cand-" + i);
                candidate.startSession(
                        StartSessionRequest.newBuilder().setExamId(EXAM).build());
                candidates.add(candidate);
            }
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", delivery.port())
                    .usePlaintext()
                    .build();
            List<ServingStatus> readiness = new CopyOnWriteArrayList<>();
            HealthGrpc.newStub(channel)
                    .watch(HealthCheckRequest.newBuilder().setService("").build(), recorder(readiness));
            await().atMost(Duration.ofSeconds(20)).until(() -> readiness.contains(ServingStatus.SERVING));

            List<Outcome> outcomes = new CopyOnWriteArrayList<>();
            ExecutorService load = Executors.newFixedThreadPool(CANDIDATES);
            long end = System.nanoTime() + LOAD.toNanos();
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < CANDIDATES; i++) {
                DeliveryServiceBlockingStub candidate = candidates.get(i);
                String session = EXAM + ":cand-" + i;
                clients.add(load.submit(() -> saveUntil(end, candidate, session, outcomes)));
            }

            Thread.sleep(3_000);
            EmbeddedPostgresServer postgres = delivery.bean(EmbeddedPostgresServer.class);
            long killed = postgres.pid().orElseThrow();
            ProcessHandle.of(killed).orElseThrow().destroyForcibly();
            await().atMost(Duration.ofSeconds(10)).until(() -> readiness.contains(ServingStatus.NOT_SERVING));
            long asked = System.nanoTime();
            PlatformStatus during = RunningDelivery.withHeader(
                            PlatformStatusServiceGrpc.newBlockingStub(channel),
                            "authorization",
                            "Bearer " + delivery.auth().operatorToken("monitoring-outage"))
                    .withDeadlineAfter(3, TimeUnit.SECONDS)
                    .getStatus(GetStatusRequest.getDefaultInstance());
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked))
                    .as("status does not hang")
                    .isLessThan(2_000);
            assertThat(HealthGrpc.newBlockingStub(channel)
                            .check(HealthCheckRequest.newBuilder()
                                    .setService("liveness")
                                    .build())
                            .getStatus())
                    .as("liveness never depends on the database")
                    .isEqualTo(ServingStatus.SERVING);

            for (Future<?> client : clients) {
                client.get(60, TimeUnit.SECONDS);
            }
            load.shutdown();
            await().atMost(Duration.ofSeconds(30)).until(() -> readiness.getLast() == ServingStatus.SERVING);
            assertThat(postgres.pid())
                    .as("started again by its supervisor")
                    .isPresent()
                    .get()
                    .isNotEqualTo(killed);
            channel.shutdownNow();

            List<Outcome> refused =
                    outcomes.stream().filter(o -> o.code() != Status.Code.OK).toList();
            assertThat(refused).as("the outage was felt by the clients").isNotEmpty();
            assertThat(refused).allSatisfy(o -> {
                assertThat(o.code())
                        .as("retryable, never INTERNAL or UNKNOWN")
                        .isIn(Status.Code.UNAVAILABLE, Status.Code.ABORTED);
                assertThat(o.millis()).as("answered fast, not after 30 s").isLessThan(4_000);
            });
            assertThat(refused).extracting(Outcome::reason).contains("DATABASE_UNAVAILABLE");
            assertThat(during.getServing()).isFalse();

            List<Outcome> acknowledged =
                    outcomes.stream().filter(o -> o.code() == Status.Code.OK).toList();
            long lastRefusal =
                    refused.stream().mapToLong(Outcome::endedNanos).max().orElseThrow();
            assertThat(acknowledged).as("saves resumed by themselves").anyMatch(o -> o.endedNanos() > lastRefusal);
            Map<String, Set<Long>> stored = storedSaveNumbers(delivery);
            List<Outcome> lost = acknowledged.stream()
                    .filter(o -> !stored.getOrDefault(o.session(), Set.of()).contains(o.number()))
                    .toList();
            assertThat(lost).as("acknowledged but not stored").isEmpty();
            System.out.printf(
                    "Database outage: %d saves acknowledged, %d refused (retryable), %d lost%n",
                    acknowledged.size(), refused.size(), lost.size());
        } finally {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
        }
        assertThat(logged.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .as("no claim that an event was inserted twice")
                .noneMatch(message -> message.contains("already inserted"))
                .as("no answer repeated in the log")
                .noneMatch(message -> message.contains("INSERT INTO"));
    }

    /**
     * One candidate saving every 50 ms until the end, retrying a refused save with the same
     * number, as a client does; each attempt's outcome is recorded.
     */
    private static void saveUntil(
            long endNanos, DeliveryServiceBlockingStub candidate, String session, List<Outcome> outcomes) {
        long number = 1;
        while (System.nanoTime() < endNanos) {
            int value = (int) (number % 5) - 2;
            String question = number % 2 == 0 ? "q5" : "q6";
            long started = System.nanoTime();
            try {
                candidate
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .saveAnswer(SaveAnswerRequest.newBuilder()
                                .setSessionId(session)
                                .setQuestionId(question)
                                .setSaveNumber(number)
                                .setAnswer(Answer.newBuilder()
                                        .setLikert(LikertAnswer.newBuilder().setValue(value)))
                                .build());
                outcomes.add(
                        new Outcome(session, number, Status.Code.OK, null, millisSince(started), System.nanoTime()));
                number++;
            } catch (StatusRuntimeException refused) {
                ErrorInfo info = refused.getTrailers() == null
                        ? null
                        : refused.getTrailers().get(ErrorMapping.ERROR_INFO_KEY);
                outcomes.add(new Outcome(
                        session,
                        number,
                        refused.getStatus().getCode(),
                        info == null ? null : info.getReason(),
                        millisSince(started),
                        System.nanoTime()));
                sleep(200);
                continue;
            }
            sleep(50);
        }
    }

    private static Map<String, Set<Long>> storedSaveNumbers(RunningDelivery delivery) {
        Map<String, Set<Long>> stored = new ConcurrentHashMap<>();
        delivery.jdbc()
                .query(
                        """
                SELECT aggregate_identifier, convert_from(payload, 'UTF8')::json->>'saveNumber' FROM event_store.domain_event_entry
                WHERE payload_type LIKE '%AnswerSaved'""",
                        row -> {
                            stored.computeIfAbsent(row.getString(1), s -> new HashSet<>())
                                    .add(Long.parseLong(row.getString(2)));
                        });
        return stored;
    }

    private static StreamObserver<HealthCheckResponse> recorder(List<ServingStatus> seen) {
        return new StreamObserver<>() {
            @Override
            public void onNext(HealthCheckResponse response) {
                seen.add(response.getStatus());
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        };
    }

    private static long millisSince(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
