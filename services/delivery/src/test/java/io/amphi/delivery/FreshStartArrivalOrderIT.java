package io.amphi.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.platform.cluster.Admission;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.StartSessionResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Right after a replica starts, candidates arriving one after another at the exam's door get
 * places in line in the order their calls arrived, however long each took to reach the door (the
 * first calls wait for the replica to warm up), and nobody's call hangs: the signing keys are
 * fetched once at start and shared, not fetched by every waiting request behind one lock.
 */
class FreshStartArrivalOrderIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;
    private static final int CANDIDATES = 60;
    private static final Duration SPACING = Duration.ofMillis(20);
    /**
     * Calls sent closer together than this may reach the replica in either order (the client's
     * threads and the connection). A candidate sent this long before another is always ahead.
     */
    private static final Duration ORDER_SLACK = Duration.ofMillis(100);
    /**
     * The first call on a replica that has just started loads the classes of the whole call path
     * (about a second on the 2-core build machine); nobody waits longer than this.
     */
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(3);

    @TempDir
    Path data;

    @TempDir
    Path secondReplica;

    /** One candidate's arrival: when the call was sent, how long it took, the ticket it got (0 if admitted). */
    record Arrival(int rank, long sentNanos, long ticket, long tookMillis) {}

    @Test
    void placesInLineFollowArrivalFromTheFirstSecond() throws Exception {
        Clock clock = Clock.systemUTC();
        try (RunningDelivery first = RunningDelivery.start(data, clock)) {
            List<Enrolment> enrolments = new ArrayList<>();
            for (int i = 0; i < CANDIDATES; i++) {
                enrolments.add(new Enrolment(EXAM, "early-" + i, Duration.ZERO));
            }
            first.openDemoExam(clock, enrolments);
            first.catalog().admission(EXAM, new Admission.Policy(0.5, 100_000));
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < CANDIDATES; i++) {
                tokens.add(first.auth().candidateToken(EXAM, "early-" + i));
            }

            // A replica of the same database that has just started, reached the moment it listens.
            try (RunningDelivery fresh = RunningDelivery.startBeside(
                    first,
                    secondReplica,
                    "spring.datasource.url="
                            + first.bean(HikariDataSource.class).getJdbcUrl())) {
                List<Future<Arrival>> arrivals = new ArrayList<>();
                long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
                try (ExecutorService crowd = Executors.newFixedThreadPool(CANDIDATES)) {
                    for (int i = 0; i < CANDIDATES; i++) {
                        int rank = i;
                        String token = tokens.get(i);
                        long sendAt = start + rank * SPACING.toNanos();
                        arrivals.add(crowd.submit(() -> {
                            LockSupport.parkNanos(sendAt - System.nanoTime());
                            long sent = System.nanoTime();
                            StartSessionResponse response = fresh.withToken(token)
                                    .startSession(StartSessionRequest.newBuilder()
                                            .setExamId(EXAM)
                                            .build());
                            return new Arrival(
                                    rank,
                                    sent,
                                    response.hasQueue() ? response.getQueue().getTicket() : 0,
                                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
                        }));
                    }
                }
                List<Arrival> seen = new ArrayList<>();
                for (Future<Arrival> arrival : arrivals) {
                    seen.add(arrival.get());
                }
                assertThat(seen)
                        .allSatisfy(a -> assertThat(a.tookMillis())
                                .as("candidate %d waited for its answer", a.rank())
                                .isLessThan(LONGEST_WAIT.toMillis()));

                // A ticket moves back when an earlier arrival that was slower on its way is placed
                // ahead of it: the places in line are read again once everyone is in line.
                List<Arrival> queued = new ArrayList<>();
                for (Arrival arrival : seen) {
                    StartSessionResponse again = fresh.withToken(tokens.get(arrival.rank()))
                            .startSession(StartSessionRequest.newBuilder()
                                    .setExamId(EXAM)
                                    .build());
                    if (again.hasQueue()) {
                        queued.add(new Arrival(
                                arrival.rank(),
                                arrival.sentNanos(),
                                again.getQueue().getTicket(),
                                arrival.tookMillis()));
                    }
                }
                System.out.println("Arrival rank → place in line: "
                        + queued.stream().map(a -> a.rank() + "→" + a.ticket()).toList());
                assertThat(queued)
                        .as("all but the few let in at the rate are in line")
                        .hasSizeGreaterThan(CANDIDATES - 5);
                for (Arrival earlier : queued) {
                    for (Arrival later : queued) {
                        long apartMillis = TimeUnit.NANOSECONDS.toMillis(later.sentNanos() - earlier.sentNanos());
                        if (apartMillis >= ORDER_SLACK.toMillis()) {
                            assertThat(earlier.ticket())
                                    .as(
                                            "candidate %d was sent %d ms before candidate %d",
                                            earlier.rank(), apartMillis, later.rank())
                                    .isLessThan(later.ticket());
                        }
                    }
                }
            }
        }
    }
}
