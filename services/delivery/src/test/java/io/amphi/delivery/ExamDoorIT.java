package io.amphi.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.amphi.delivery.domain.Enrolment;
import io.amphi.platform.cluster.Admission;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.StartSessionResponse;
import io.amphi.proto.delivery.v1.SubmitSessionRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exam's door: a storm of twelve times more candidates than the exam admits per second
 * (bounded, loopback) gets no error and is let in, in arrival order, at the configured rate; a full
 * room makes place as sessions are submitted.
 */
class ExamDoorIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;
    private static final int CANDIDATES = 300;
    private static final double RATE = 25;

    @TempDir
    Path data;

    /** What one candidate saw. */
    record Arrival(String candidate, long ticket, long admittedAtNanos, int calls) {}

    @Test
    void admitsEveryoneInOrderAtTheRate() throws Exception {
        Clock clock = Clock.systemUTC();
        try (RunningDelivery delivery = RunningDelivery.start(data, clock)) {
            List<Enrolment> enrolments = new ArrayList<>();
            for (int i = 0; i < CANDIDATES; i++) {
                enrolments.add(new Enrolment(EXAM, candidate(i), Duration.ZERO));
            }
            delivery.openDemoExam(clock, enrolments);
            delivery.catalog().admission(EXAM, new Admission.Policy(RATE, 100_000));

            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            long start = System.nanoTime();
            long giveUp = start + Duration.ofSeconds(90).toNanos();
            List<Future<Arrival>> arrivals = new ArrayList<>();
            try (ExecutorService crowd = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < CANDIDATES; i++) {
                    String candidate = candidate(i);
                    arrivals.add(
                            crowd.submit(() -> arrive(delivery.asCandidate(candidate), candidate, giveUp, errors)));
                }
            }
            assertThat(errors).as("no candidate gets an error").isEmpty();

            List<Arrival> admitted = new ArrayList<>();
            for (Future<Arrival> arrival : arrivals) {
                admitted.add(arrival.get());
            }
            assertThat(admitted).allSatisfy(a -> assertThat(a.admittedAtNanos()).isPositive());
            assertThat(delivery.jdbc()
                            .queryForObject(
                                    "SELECT count(*) FROM event_store.domain_event_entry WHERE payload_type LIKE '%SessionStarted'",
                                    Long.class))
                    .isEqualTo(CANDIDATES);

            // The first ones in never saw a ticket: the burst the rate allows at once, plus what the
            // rate let in by the time the last of them was answered (the crowd takes a moment to reach
            // the door on 2 busy cores): never more than the rate allows.
            List<Arrival> queued = new ArrayList<>(
                    admitted.stream().filter(a -> a.ticket() > 0).toList());
            double crowdSeconds = (admitted.stream()
                                    .filter(a -> a.ticket() == 0)
                                    .mapToLong(Arrival::admittedAtNanos)
                                    .max()
                                    .orElse(start)
                            - start)
                    / 1e9;
            assertThat(CANDIDATES - queued.size()).isLessThanOrEqualTo((int) Math.ceil(RATE + RATE * crowdSeconds) + 1);
            queued.sort(Comparator.comparingLong(Arrival::ticket));
            // A ticket can move back by a few while the crowd arrives (earlier arrivals, slower on
            // their way, are placed ahead): the last ticket a candidate saw may be a neighbour's.
            assertThat(queued).extracting(Arrival::ticket).allMatch(ticket -> ticket >= 1 && ticket <= CANDIDATES);
            long slack = Duration.ofMillis(1_100).toNanos();
            for (int i = 1; i < queued.size(); i++) {
                assertThat(queued.get(i).admittedAtNanos())
                        .as(
                                "ticket %d is not let in well before ticket %d",
                                queued.get(i).ticket(), queued.get(i - 1).ticket())
                        .isGreaterThanOrEqualTo(queued.get(i - 1).admittedAtNanos() - slack);
            }

            // Steady state: over the middle of the line, away from the crowd's arrival and the last calls.
            long[] times =
                    queued.stream().mapToLong(Arrival::admittedAtNanos).sorted().toArray();
            int from = times.length / 5;
            int to = times.length - 1 - times.length / 5;
            double measuredRate = (to - from) / ((times[to] - times[from]) / 1e9);
            int calls = admitted.stream().mapToInt(Arrival::calls).sum();
            System.out.printf(
                    "Admission storm: %d candidates at once (the last let in without a ticket after %.2f s), "
                            + "admission rate set to %.0f/s, measured %.1f/s (%d let in at once, %d from the line, all in after %.1f s), %d "
                            + "StartSession calls, 0 errors%n",
                    CANDIDATES,
                    crowdSeconds,
                    RATE,
                    measuredRate,
                    CANDIDATES - queued.size(),
                    queued.size(),
                    (times[times.length - 1] - start) / 1e9,
                    calls);
            // Seen by the candidates, whose calls wait on 2 cores shared with the services: within a fifth of the rate.
            assertThat(measuredRate).isBetween(RATE * 0.8, RATE * 1.2);
        }
    }

    @Test
    void aSubmittedSessionMakesRoomForTheNextInLine() {
        Clock clock = Clock.systemUTC();
        try (RunningDelivery delivery = RunningDelivery.start(data, clock)) {
            delivery.openDemoExam(
                    clock,
                    List.of(
                            new Enrolment(EXAM, "first", Duration.ZERO),
                            new Enrolment(EXAM, "second", Duration.ZERO),
                            new Enrolment(EXAM, "third", Duration.ZERO)));
            delivery.catalog().admission(EXAM, new Admission.Policy(100, 2));
            StartSessionRequest start =
                    StartSessionRequest.newBuilder().setExamId(EXAM).build();

            String first = delivery.asCandidate("first")
                    .startSession(start)
                    .getSession()
                    .getSessionId();
            assertThat(delivery.asCandidate("second").startSession(start).hasSession())
                    .isTrue();
            StartSessionResponse third = delivery.asCandidate("third").startSession(start);
            assertThat(third.hasSession()).isFalse();
            assertThat(third.getQueue().getPosition()).isEqualTo(1);

            assertThat(delivery.asCandidate("first").startSession(start).getAlreadyStarted())
                    .as("a candidate already in never waits")
                    .isTrue();
            delivery.asCandidate("first")
                    .submitSession(SubmitSessionRequest.newBuilder()
                            .setSessionId(first)
                            .build());
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            delivery.asCandidate("third").startSession(start).hasSession());
        }
    }

    private static String candidate(int i) {
        return "storm-%04d".formatted(i);
    }

    /** Calls StartSession until let in, pacing its calls by the queue ticket (at most a second apart). */
    private static Arrival arrive(
            DeliveryServiceBlockingStub stub, String candidate, long giveUp, ConcurrentLinkedQueue<Throwable> errors)
            throws InterruptedException {
        long ticket = 0;
        int calls = 0;
        while (System.nanoTime() < giveUp) {
            StartSessionResponse response;
            try {
                calls++;
                response = stub.startSession(
                        StartSessionRequest.newBuilder().setExamId(EXAM).build());
            } catch (RuntimeException e) {
                errors.add(e);
                return new Arrival(candidate, ticket, 0, calls);
            }
            if (response.hasSession()) {
                return new Arrival(candidate, ticket, System.nanoTime(), calls);
            }
            ticket = response.getQueue().getTicket();
            long waitMillis = Duration.ofSeconds(
                            response.getQueue().getEstimatedWait().getSeconds(),
                            response.getQueue().getEstimatedWait().getNanos())
                    .toMillis();
            // Half the estimate, so the call that finds the door open comes soon after it opens.
            Thread.sleep(Math.clamp(waitMillis / 2, 50, 1_000));
        }
        errors.add(new AssertionError(candidate + " was never let in"));
        return new Arrival(candidate, ticket, 0, calls);
    }
}
