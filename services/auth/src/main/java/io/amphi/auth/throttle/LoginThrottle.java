package io.amphi.auth.throttle;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import io.amphi.platform.cluster.RateLimiter.RateLimitExceeded;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Slows, then locks, repeated failed sign-ins, with the state in the Hazelcast cluster so every
 * replica sees the same counts. Per candidate: 3 failures lock for a few seconds, 5 for several
 * minutes. Per source address the threshold is far higher and the lock short: an exam centre puts
 * hundreds of honest candidates behind one address, and locking them out would repeat 2022.
 */
public class LoginThrottle {

    /** How many failures lead to which lock, and how long failures are remembered. */
    public record Rules(int slowAfter, Duration slowLock, int lockAfter, Duration lock,
                        int sourceLockAfter, Duration sourceLock, Duration memory) implements Serializable {

        /** The defaults: 3 → 5 s, 5 → 5 min per candidate; 200 → 30 s per source; remembered 15 min. */
        public static Rules defaults() {
            return new Rules(3, Duration.ofSeconds(5), 5, Duration.ofMinutes(5), 200, Duration.ofSeconds(30),
                    Duration.ofMinutes(15));
        }
    }

    static final String MAP = "amphi-login-failures";

    private final IMap<String, Failures> failures;
    private final Clock clock;
    private final Rules rules;

    public LoginThrottle(HazelcastInstance hazelcast, Clock clock, Rules rules) {
        this.failures = hazelcast.getMap(MAP);
        this.clock = clock;
        this.rules = rules;
    }

    /** Refuses with RESOURCE_EXHAUSTED and a retry-after while the candidate or the source is locked. */
    public void checkAllowed(String examId, String candidateNumber, String source) {
        Instant now = clock.instant();
        Duration candidateWait = waitFor(failures.get(candidateKey(examId, candidateNumber)), now,
                rules.slowAfter(), rules.slowLock(), rules.lockAfter(), rules.lock());
        if (candidateWait.isPositive()) {
            throw new RateLimitExceeded("SIGN_IN_LOCKED", "Too many failed sign-ins for candidate %s of exam %s: try again in %d s."
                    .formatted(candidateNumber, examId, Math.max(1, candidateWait.toSeconds())), candidateWait);
        }
        Duration sourceWait = waitFor(failures.get(sourceKey(source)), now,
                rules.sourceLockAfter(), rules.sourceLock(), rules.sourceLockAfter(), rules.sourceLock());
        if (sourceWait.isPositive()) {
            throw new RateLimitExceeded("SIGN_IN_LOCKED", "Too many failed sign-ins from this address: try again in %d s."
                    .formatted(Math.max(1, sourceWait.toSeconds())), sourceWait);
        }
    }

    public void failed(String examId, String candidateNumber, String source) {
        long nowMillis = clock.millis();
        failures.executeOnKey(candidateKey(examId, candidateNumber), new RecordFailure(nowMillis, rules.memory().toMillis()));
        failures.executeOnKey(sourceKey(source), new RecordFailure(nowMillis, rules.memory().toMillis()));
    }

    public void succeeded(String examId, String candidateNumber) {
        failures.delete(candidateKey(examId, candidateNumber));
    }

    private static Duration waitFor(Failures recorded, Instant now, int slowAfter, Duration slowLock,
                                    int lockAfter, Duration lock) {
        if (recorded == null || recorded.count() < slowAfter) {
            return Duration.ZERO;
        }
        Duration lockFor = recorded.count() >= lockAfter ? lock : slowLock;
        Duration left = Duration.between(now, Instant.ofEpochMilli(recorded.lastMillis()).plus(lockFor));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static String candidateKey(String examId, String candidateNumber) {
        return "candidate/" + examId + "/" + candidateNumber;
    }

    private static String sourceKey(String source) {
        return "source/" + source;
    }

    /** How many failures, the last one when. */
    record Failures(int count, long lastMillis) implements Serializable {
    }

    /** Counts one failure and keeps the count for the memory period after it. */
    record RecordFailure(long nowMillis, long memoryMillis) implements EntryProcessor<String, Failures, Void> {
        @Override
        public Void process(Map.Entry<String, Failures> entry) {
            Failures before = entry.getValue();
            Failures after = new Failures(before == null ? 1 : before.count() + 1, nowMillis);
            ((ExtendedMapEntry<String, Failures>) entry).setValue(after, memoryMillis, TimeUnit.MILLISECONDS);
            return null;
        }
    }
}
