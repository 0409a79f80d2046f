package io.amphi.platform.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.hazelcast.core.HazelcastInstance;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket per key, shared by every replica through the Hazelcast cluster (Bucket4j), so a
 * client gets the same allowance whichever replica it reaches. Idle buckets expire once full again.
 *
 * <p>A replica may draw several tokens from a shared bucket at once and spend them itself: the
 * cluster then sees one call per draw instead of one per request (a call to another member costs
 * more CPU than the rest of a small request's checks together). Every request let through spent a
 * token taken from the shared bucket, so over time a client gets no more than the bucket's rate;
 * but tokens drawn earlier may be spent after the bucket has refilled, so a burst may pass the
 * capacity by up to one draw less one per replica. Tokens drawn but not spent are lost to the client
 * when it moves to another replica or leaves them unused for a refill period. Once the bucket
 * refuses a client, the replica refuses it too, without asking the cluster, until the bucket's
 * next token is due: a runaway client costs no cluster call per request.
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
    private static final Decision ALLOWED = new Decision(true, Duration.ZERO);

    private static final long MOST_KEYS_WITH_SPARE_TOKENS = 100_000;

    private final String name;
    private final ProxyManager<String> buckets;
    private final BucketConfiguration configuration;
    private final long tokensPerDraw;
    private final Cache<String, Share> shares;

    /**
     * Draws one token per request: every request is counted by the cluster when it is made.
     *
     * @param name     keeps this limiter's buckets apart from other limiters'
     * @param capacity the burst allowed, refilled evenly over {@code period}
     */
    public RateLimiter(HazelcastInstance hazelcast, String name, long capacity, Duration period) {
        this(hazelcast, name, capacity, period, 1);
    }

    /**
     * @param tokensPerDraw how many tokens this replica takes from a shared bucket at once, at most
     */
    public RateLimiter(HazelcastInstance hazelcast, String name, long capacity, Duration period, long tokensPerDraw) {
        if (tokensPerDraw < 1) {
            throw new IllegalArgumentException(
                    "A rate limiter draws at least one token at a time, not " + tokensPerDraw);
        }
        this.name = name;
        this.tokensPerDraw = tokensPerDraw;
        this.shares = Caffeine.newBuilder()
                .expireAfterAccess(period)
                .maximumSize(MOST_KEYS_WITH_SPARE_TOKENS)
                .build();
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
        if (tokensPerDraw == 1) {
            return decision(bucket(key).tryConsumeAndReturnRemaining(1));
        }
        Share share = shares.get(key, k -> new Share());
        if (share.spareTokens.getAndUpdate(tokens -> tokens > 0 ? tokens - 1 : 0) > 0) {
            return ALLOWED;
        }
        long now = System.nanoTime();
        long refusedFor = share.refusedUntilNanos - now;
        if (refusedFor > 0) {
            return new Decision(false, Duration.ofNanos(refusedFor));
        }
        long drawn = bucket(key).tryConsumeAsMuchAsPossible(tokensPerDraw);
        if (drawn > 0) {
            share.spareTokens.addAndGet(drawn - 1);
            return ALLOWED;
        }
        ConsumptionProbe probe = bucket(key).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            share.refusedUntilNanos = now + probe.getNanosToWaitForRefill();
        }
        return decision(probe);
    }

    private static Decision decision(ConsumptionProbe probe) {
        return new Decision(probe.isConsumed(), Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /** What this replica holds of one key's bucket: tokens it drew and has not spent, and a refusal's end. */
    private static final class Share {
        final AtomicLong spareTokens = new AtomicLong();
        volatile long refusedUntilNanos = System.nanoTime();
    }

    private BucketProxy bucket(String key) {
        return buckets.builder().build(name + "/" + key, () -> configuration);
    }
}
