package io.amphi.platform.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import java.time.Duration;

/**
 * A token bucket per key, shared by every replica through the Hazelcast cluster (Bucket4j), so a
 * client gets the same allowance whichever replica it reaches. Idle buckets expire once full again.
 */
public final class RateLimiter {

    /** Whether one more request is allowed now, and if not, when it will be. */
    public record Decision(boolean allowed, Duration retryAfter) {}

    /** Refused because the caller went over its rate; {@link #retryAfter()} says when to try again. */
    public static final class RateLimitExceeded extends RuntimeException {
        private final String reason;
        private final Duration retryAfter;

        public RateLimitExceeded(String reason, String message, Duration retryAfter) {
            super(message);
            this.reason = reason;
            this.retryAfter = retryAfter;
        }

        public String reason() {
            return reason;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    static final String MAP = "amphi-rate-limits";

    private final String name;
    private final ProxyManager<String> buckets;
    private final BucketConfiguration configuration;

    /**
     * @param name     keeps this limiter's buckets apart from other limiters'
     * @param capacity the burst allowed, refilled evenly over {@code period}
     */
    public RateLimiter(HazelcastInstance hazelcast, String name, long capacity, Duration period) {
        this.name = name;
        this.configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(capacity, period))
                .build();
        this.buckets = Bucket4jHazelcast.<String>entryProcessorBasedBuilder(hazelcast.getMap(MAP))
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
    }

    /** Takes one token from {@code key}'s bucket if there is one. */
    public Decision tryTake(String key) {
        ConsumptionProbe probe =
                buckets.builder().build(name + "/" + key, () -> configuration).tryConsumeAndReturnRemaining(1);
        return new Decision(probe.isConsumed(), Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
}
