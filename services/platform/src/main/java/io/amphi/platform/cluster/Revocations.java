package io.amphi.platform.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Identities whose tokens no longer open anything: an excluded candidate, a leaked service-account
 * secret. A replicated map, so every member of every service reads it locally on each request and
 * a revocation reaches them all within moments. An entry is kept longer than any access token
 * lives, so every token issued before it has expired by the time it goes.
 */
public final class Revocations {

    static final String MAP = "amphi-revocations";

    private final ReplicatedMap<String, Long> revoked;
    private final Clock clock;
    private final Duration keepFor;

    /** @param keepFor how long a revocation stays; longer than the longest access token */
    public Revocations(HazelcastInstance hazelcast, Clock clock, Duration keepFor) {
        this.revoked = hazelcast.getReplicatedMap(MAP);
        this.clock = clock;
        this.keepFor = keepFor;
    }

    /** The key of a candidate of an exam, or of a service account (exam {@code null}). */
    public static String identity(String subject, String examId) {
        return examId == null ? "account/" + subject : "candidate/" + examId + "/" + subject;
    }

    /** From now on, tokens of this identity issued before now are refused. */
    public void revoke(String identity) {
        revoked.put(identity, clock.millis(), keepFor.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** When the identity was revoked, if it is. */
    public Optional<Instant> revokedAt(String identity) {
        Long millis = revoked.get(identity);
        return millis == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }
}
