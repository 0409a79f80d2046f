package io.amphi.platform.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The waiting room on three real members, with a clock the test moves. */
class AdmissionIT {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-06-15T08:55:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };
    private final List<HazelcastInstance> members = new ArrayList<>();
    private final String gate = "exam/" + UUID.randomUUID();

    @BeforeEach
    void startMembers() {
        ClusterProperties properties = new ClusterProperties(
                "admission-" + UUID.randomUUID(), "127.0.0.1", 5701, List.of("127.0.0.1"), null, 1);
        for (int i = 0; i < 3; i++) {
            members.add(Hazelcast.newHazelcastInstance(ClusterConfigs.memberConfig(properties, "member-" + i)));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> members.getFirst().getCluster().getMembers().size() == 3);
    }

    @AfterEach
    void stopMembers() {
        members.stream().filter(m -> m.getLifecycleService().isRunning()).forEach(HazelcastInstance::shutdown);
    }

    private void advance(Duration duration) {
        now.updateAndGet(t -> t.plus(duration));
    }

    @Test
    void letsCallersInAtTheRateInArrivalOrder() {
        Admission admission = new Admission(members.get(0), clock);
        Admission.Policy tenPerSecond = new Admission.Policy(10, 1_000);

        List<Admission.Outcome> first = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            first.add(admission.enter(gate, "cand-" + i, clock.millis(), tenPerSecond));
        }
        assertThat(first)
                .extracting(Admission.Outcome::ticket)
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, 50).boxed().toList());
        assertThat(first).filteredOn(Admission.Outcome::admitted).hasSize(10);
        Admission.Outcome last = first.getLast();
        assertThat(last.position()).isEqualTo(40);
        assertThat(last.estimatedWait()).isEqualTo(Duration.ofSeconds(4));

        advance(Duration.ofSeconds(1));
        assertThat(admission
                        .enter(gate, "cand-20", clock.millis(), tenPerSecond)
                        .admitted())
                .isTrue();
        Admission.Outcome next = admission.enter(gate, "cand-21", clock.millis(), tenPerSecond);
        assertThat(next.admitted()).as("the line moves in order, at the rate").isFalse();
        assertThat(next.ticket()).as("a caller keeps its ticket").isEqualTo(21);
        assertThat(next.position()).isEqualTo(1);
        assertThat(next.waitingForRoom())
                .as("the rate holds it back, not the room")
                .isFalse();

        advance(Duration.ofMillis(100));
        assertThat(admission
                        .enter(gate, "cand-21", clock.millis(), tenPerSecond)
                        .admitted())
                .isTrue();
        assertThat(admission
                        .enter(gate, "cand-22", clock.millis(), tenPerSecond)
                        .position())
                .isEqualTo(1);
    }

    @Test
    void aCallThatReachedTheGateLateKeepsItsPlaceByArrival() {
        Admission admission = new Admission(members.get(0), clock);
        Admission.Policy onePerSecond = new Admission.Policy(1, 1_000);
        long nine = clock.millis();
        assertThat(admission.enter(gate, "first", nine, onePerSecond).admitted())
                .isTrue();
        assertThat(admission.enter(gate, "third", nine + 30, onePerSecond).ticket())
                .isEqualTo(2);
        assertThat(admission.enter(gate, "fourth", nine + 40, onePerSecond).ticket())
                .isEqualTo(3);

        Admission.Outcome second = admission.enter(gate, "second", nine + 20, onePerSecond);
        assertThat(second.ticket())
                .as("arrived before third and fourth, its call slower on the way")
                .isEqualTo(2);
        assertThat(second.position()).isEqualTo(1);
        assertThat(admission.enter(gate, "third", nine + 30, onePerSecond).ticket())
                .as("moved back one")
                .isEqualTo(3);
        assertThat(admission.enter(gate, "fourth", nine + 40, onePerSecond).position())
                .isEqualTo(3);

        Admission.Outcome early = admission.enter(gate, "earliest", nine - 10, onePerSecond);
        assertThat(early.ticket()).as("never ahead of someone already let in").isEqualTo(2);
        assertThat(admission.enter(gate, "first", nine, onePerSecond).admitted())
                .isTrue();

        advance(Duration.ofSeconds(30));
        Admission.Outcome stale = admission.enter(gate, "stale", nine + 1, onePerSecond);
        assertThat(stale.ticket())
                .as("an arrival older than the window goes to the back")
                .isEqualTo(6);
    }

    @Test
    void keepsRoomForNoMoreThanTheCap() {
        Admission admission = new Admission(members.get(1), clock);
        Admission.Policy twoInside = new Admission.Policy(100, 2);

        assertThat(admission.enter(gate, "a", clock.millis(), twoInside).admitted())
                .isTrue();
        assertThat(admission.enter(gate, "b", clock.millis(), twoInside).admitted())
                .isTrue();
        Admission.Outcome full = admission.enter(gate, "c", clock.millis(), twoInside);
        assertThat(full.admitted()).isFalse();
        assertThat(full.waitingForRoom())
                .as("two are inside: c waits for one of them to leave")
                .isTrue();
        Admission.Waiting line = new Admission(members.get(2), clock).waiting(gate, List.of("a", "b", "c", "nobody"));
        assertThat(line.places())
                .as("only those with a ticket who were not let in")
                .containsExactly(Map.entry("c", 1L));
        assertThat(line.total()).isEqualTo(1);
        assertThat(admission.waiting("no-such-gate", List.of("c")).total()).isZero();

        admission.leave(gate, "a");
        admission.leave(gate, "a");
        advance(Duration.ofMillis(100));
        assertThat(admission.enter(gate, "c", clock.millis(), twoInside).admitted())
                .isTrue();
        assertThat(admission.enter(gate, "d", clock.millis(), twoInside).admitted())
                .as("leaving twice frees one place")
                .isFalse();
    }

    @Test
    void placesInLineSurviveTheLossOfAMember() {
        Admission.Policy onePerSecond = new Admission.Policy(1, 1_000);
        for (int i = 1; i <= 30; i++) {
            new Admission(members.get(i % 3), clock).enter(gate, "cand-" + i, clock.millis(), onePerSecond);
        }
        members.get(0).getLifecycleService().terminate();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> members.get(1).getCluster().getMembers().size() == 2);

        Admission.Outcome again =
                new Admission(members.get(2), clock).enter(gate, "cand-30", clock.millis(), onePerSecond);
        assertThat(again.ticket()).isEqualTo(30);
        assertThat(again.position()).isEqualTo(29);
        assertThat(new Admission(members.get(1), clock)
                        .enter(gate, "cand-31", clock.millis(), onePerSecond)
                        .ticket())
                .isEqualTo(31);
    }
}
