package io.amphi.platform.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Token buckets shared by two real members: a client gets one allowance, whichever replica it reaches. */
class RateLimiterIT {

    private static HazelcastInstance first;
    private static HazelcastInstance second;

    @BeforeAll
    static void startMembers() {
        ClusterProperties properties = new ClusterProperties(
                "rate-limits-" + UUID.randomUUID(), "127.0.0.1", 5701, List.of("127.0.0.1"), null, 1);
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

    @Test
    void allowsABurstThenSaysWhenToComeBack() {
        RateLimiter limiter = new RateLimiter(first, "burst-" + UUID.randomUUID(), 3, Duration.ofSeconds(3));
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryTake("client-a").allowed()).isTrue();
        }
        RateLimiter.Decision refused = limiter.tryTake("client-a");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));

        assertThat(limiter.tryTake("client-b").allowed())
                .as("another key has its own bucket")
                .isTrue();

        await().atMost(Duration.ofSeconds(3))
                .until(() -> limiter.tryTake("client-a").allowed());
    }

    @Test
    void everyReplicaSeesTheSameBucket() {
        String name = "shared-" + UUID.randomUUID();
        RateLimiter onFirst = new RateLimiter(first, name, 2, Duration.ofMinutes(1));
        RateLimiter onSecond = new RateLimiter(second, name, 2, Duration.ofMinutes(1));

        assertThat(onFirst.tryTake("client").allowed()).isTrue();
        assertThat(onSecond.tryTake("client").allowed()).isTrue();
        assertThat(onFirst.tryTake("client").allowed()).isFalse();
        assertThat(onSecond.tryTake("client").allowed()).isFalse();
    }

    @Test
    void aReplicaSpendsTheTokensItDrewWithoutGoingOverTheSharedBucket() {
        String name = "drawn-" + UUID.randomUUID();
        RateLimiter drawingFive = new RateLimiter(first, name, 12, Duration.ofHours(1), 5);
        RateLimiter oneByOne = new RateLimiter(second, name, 12, Duration.ofHours(1));

        assertThat(drawingFive.tryTake("client").allowed()).isTrue();
        int takenOneByOne = 0;
        while (oneByOne.tryTake("client").allowed()) {
            takenOneByOne++;
        }
        assertThat(takenOneByOne)
                .as("the first replica drew five tokens at once")
                .isEqualTo(7);
        for (int i = 0; i < 4; i++) {
            assertThat(drawingFive.tryTake("client").allowed())
                    .as("the first replica still has the four it drew and did not spend")
                    .isTrue();
        }
        RateLimiter.Decision refused = drawingFive.tryTake("client");
        assertThat(refused.allowed())
                .as("twelve taken in all, the shared bucket's capacity")
                .isFalse();
        assertThat(refused.retryAfter()).isPositive();
    }

    @Test
    void aReplicaThatDrawsRefusesWhileTheBucketIsEmptyAndLetsThroughOnceItRefills() {
        RateLimiter limiter = new RateLimiter(first, "refill-" + UUID.randomUUID(), 4, Duration.ofSeconds(2), 3);
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.tryTake("client").allowed()).isTrue();
        }
        RateLimiter.Decision refused = limiter.tryTake("client");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(500));
        assertThat(limiter.tryTake("client").allowed())
                .as("refused again until the next token is due")
                .isFalse();

        await().atMost(Duration.ofSeconds(3))
                .until(() -> limiter.tryTake("client").allowed());
    }
}
