package io.amphi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.amphi.platform.cluster.Admission;
import io.amphi.platform.cluster.ClusterConfigs;
import io.amphi.platform.cluster.ClusterProperties;
import io.amphi.platform.cluster.LoginThrottle;
import io.amphi.platform.cluster.RateLimiter;
import io.amphi.platform.domain.Identifiers;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three real members on loopback, as three replicas would run them: after one is killed, the
 * sign-in lock-outs and the places in the waiting line are all still there. (Revocations live in
 * auth's PostgreSQL and survive a restart of every member: {@code RevocationSurvivesRestartIT}.)
 */
class SharedStateSurvivesIT {

    private final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void stop() {
        members.stream().filter(m -> m.getLifecycleService().isRunning()).forEach(HazelcastInstance::shutdown);
    }

    @Test
    void killingAMemberLosesNoSharedState() {
        ClusterProperties properties = new ClusterProperties(
                "survives-" + UUID.randomUUID(), "127.0.0.1", 5701, List.of("127.0.0.1"), null, 1);
        for (int i = 0; i < 3; i++) {
            members.add(Hazelcast.newHazelcastInstance(ClusterConfigs.memberConfig(properties, "replica-" + i)));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> members.getFirst().getCluster().getMembers().size() == 3);
        Clock clock = Clock.systemUTC();
        HazelcastInstance doomed = members.get(1);

        LoginThrottle throttle = new LoginThrottle(doomed, clock, LoginThrottle.Rules.defaults());
        for (int candidate = 0; candidate < 20; candidate++) {
            for (int failure = 0; failure < 5; failure++) {
                throttle.failed(Identifiers.identity("locked-" + candidate, "edn-2026"), "10.0.0." + candidate);
            }
        }
        Admission admission = new Admission(doomed, clock);
        Admission.Policy slow = new Admission.Policy(0.01, 1_000);
        for (int i = 1; i <= 50; i++) {
            admission.enter("exam/edn-2026", "queued-" + i, clock.millis(), slow);
        }

        doomed.getLifecycleService().terminate();
        HazelcastInstance survivor = members.get(2);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> survivor.getCluster().getMembers().size() == 2);

        LoginThrottle throttleSeen = new LoginThrottle(survivor, clock, LoginThrottle.Rules.defaults());
        for (int candidate = 0; candidate < 20; candidate++) {
            String number = "locked-" + candidate;
            String source = "10.0.0." + candidate;
            assertThat(catchThrowableOfType(
                            RateLimiter.RateLimitExceeded.class,
                            () -> throttleSeen.admit(Identifiers.identity(number, "edn-2026"), source)))
                    .as(number)
                    .isNotNull();
        }
        Admission line = new Admission(members.get(0), clock);
        for (int i = 1; i <= 50; i++) {
            assertThat(line.enter("exam/edn-2026", "queued-" + i, clock.millis(), slow)
                            .ticket())
                    .isEqualTo(i);
        }
    }
}
