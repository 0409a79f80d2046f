package io.amphi.delivery.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.platform.cluster.ClusterConfigs;
import io.amphi.platform.cluster.ClusterProperties;
import io.amphi.platform.domain.DomainException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leases over two real members, each replica with the leases it granted itself: the holder's saves
 * pass on the replica that granted the lease without a cluster read, until the clock margin before
 * its expiry or until it is released, wherever the release is made.
 */
class SessionLeasesIT {

    private static HazelcastInstance first;
    private static HazelcastInstance second;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private SessionLeases onFirst;
    private SessionLeases onSecond;
    private String session;

    @BeforeAll
    static void startMembers() {
        ClusterProperties properties =
                new ClusterProperties("leases-" + UUID.randomUUID(), "127.0.0.1", 5701, List.of("127.0.0.1"), null, 1);
        first = Hazelcast.newHazelcastInstance(ClusterConfigs.memberConfig(properties, "first"));
        second = Hazelcast.newHazelcastInstance(ClusterConfigs.memberConfig(properties, "second"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> first.getCluster().getMembers().size() == 2);
    }

    @AfterAll
    static void stopMembers() {
        second.shutdown();
        first.shutdown();
    }

    @BeforeEach
    void replicas() {
        onFirst = new SessionLeases(first, clock);
        onSecond = new SessionLeases(second, clock);
        session = "exam-" + UUID.randomUUID() + ":cand-001";
    }

    @Test
    void onlyTheHolderMaySaveOnEitherReplica() {
        onFirst.hold(session, "laptop");

        assertAllowed(() -> onFirst.requireHolder(session, "laptop"));
        assertAllowed(() -> onSecond.requireHolder(session, "laptop"));
        assertRefused(() -> onFirst.requireHolder(session, "phone"));
        assertRefused(() -> onSecond.requireHolder(session, "phone"));
        assertRefused(() -> onFirst.requireHolder(session, null));
    }

    @Test
    void theReplicaThatGrantedALeaseLetsItsHolderSaveWithoutReadingTheCluster() {
        onFirst.hold(session, "laptop");
        leaseInTheClusterOnlyTo("phone", clock.instant().plusSeconds(30));

        assertAllowed(
                () -> onFirst.requireHolder(session, "laptop"), "granted here a moment ago: trusted without a read");
        assertRefused(() -> onSecond.requireHolder(session, "laptop"));
    }

    @Test
    void aLeaseGrantedHereIsTrustedUntilTheClockMarginBeforeItsExpiry() {
        SessionLeases.Lease granted = onFirst.hold(session, "laptop");
        leaseInTheClusterOnlyTo("phone", granted.expiresAt().plusSeconds(30));

        clock.set(granted.expiresAt().minus(SessionLeases.CLOCK_MARGIN).minusMillis(1));
        assertAllowed(() -> onFirst.requireHolder(session, "laptop"), "just before the margin: trusted without a read");

        clock.set(granted.expiresAt().minus(SessionLeases.CLOCK_MARGIN).plusMillis(1));
        assertRefused(() -> onFirst.requireHolder(session, "laptop"));
    }

    @Test
    void aTakeOverAfterExpiryOnAnotherReplicaIsSeen() {
        onFirst.hold(session, "laptop");
        clock.advance(SessionLeases.LEASE.plusMillis(1));
        onSecond.hold(session, "phone");

        assertRefused(() -> onFirst.requireHolder(session, "laptop"));
        assertAllowed(() -> onFirst.requireHolder(session, "phone"));
    }

    @Test
    void aReleaseOnAnotherReplicaIsHeardOfWhereTheLeaseWasGranted() {
        onFirst.hold(session, "laptop");
        onSecond.release(session, "laptop");
        onSecond.hold(session, "phone");

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertRefused(() -> onFirst.requireHolder(session, "laptop")));
    }

    @Test
    void aReleaseForgetsTheLeaseGrantedHere() {
        onFirst.hold(session, "laptop");
        onFirst.release(session, "laptop");
        onSecond.hold(session, "phone");

        assertRefused(() -> onFirst.requireHolder(session, "laptop"));
    }

    @Test
    void aTakeOverOnTheSameReplicaReplacesWhatItRemembers() {
        onFirst.hold(session, "laptop");
        clock.advance(SessionLeases.LEASE.plusSeconds(1));
        onFirst.hold(session, "phone");

        assertRefused(() -> onFirst.requireHolder(session, "laptop"));
        assertAllowed(() -> onFirst.requireHolder(session, "phone"));
    }

    @Test
    void aRenewalWhereTheLeaseWasGrantedStillSeesAChangeMadeElsewhere() {
        onFirst.hold(session, "laptop");
        onSecond.release(session, "laptop");
        onSecond.hold(session, "phone");

        assertRefused(() -> onFirst.hold(session, "laptop"));
        assertAllowed(() -> onSecond.requireHolder(session, "phone"));
    }

    @Test
    void aRenewalWhereTheLeaseWasGrantedExtendsIt() {
        onFirst.hold(session, "laptop");
        clock.advance(SessionLeases.RENEW_EVERY);
        SessionLeases.Lease renewed = onFirst.hold(session, "laptop");
        clock.advance(SessionLeases.LEASE.minus(SessionLeases.RENEW_EVERY).plusSeconds(1));

        assertThat(renewed.expiresAt())
                .isEqualTo(clock.instant().plus(SessionLeases.RENEW_EVERY).minusSeconds(1));
        assertRefused(() -> onSecond.hold(session, "phone"));
    }

    /** A lease only the cluster knows of, as if granted to {@code client} on some other replica. */
    private void leaseInTheClusterOnlyTo(String client, Instant expiresAt) {
        first.<String, String>getMap(SessionLeases.MAP)
                .put(session, new SessionLeases.Lease(client, expiresAt).value());
    }

    private static void assertAllowed(ThrowingCallable call) {
        assertThatCode(call).doesNotThrowAnyException();
    }

    private static void assertAllowed(ThrowingCallable call, String why) {
        assertThatCode(call).as(why).doesNotThrowAnyException();
    }

    private static void assertRefused(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(DomainException.class).hasMessageContaining("open in another tab");
    }
}
