package io.amphi.platform.grpc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.amphi.platform.RateLimitedLog;
import io.amphi.platform.cluster.RevocationKey;
import io.amphi.platform.domain.Identifiers;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.Revocation;
import io.amphi.proto.auth.v1.RevocationUpdate;
import io.amphi.proto.auth.v1.WatchRevocationsRequest;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's copy of the withdrawn identities, kept by the auth service's WatchRevocations stream:
 * the whole list at start (the replica is not ready, and refuses tokens, until it has it), then
 * each new revocation as it is made. Identities come as HMAC-SHA256 values under the cluster's
 * {@link RevocationKey}, and the stream is opened with a proof that this member holds that key.
 * When the stream breaks it is opened again and the whole list sent anew; a revocation made
 * meanwhile reaches this replica then (auth being out of reach, usually none is made).
 */
public class RevocationFeed extends ReadinessTask implements RevocationList {

    static final String CONDITION = "revocations";
    private static final Logger log = LoggerFactory.getLogger(RevocationFeed.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(10);

    private record Revoked(Instant revokedAt, Instant expiresAt) {}

    /**
     * The list under one key: the withdrawn identities' published values, and each caller's value
     * computed once (a caller sends the same token for minutes). Replaced whole when the key changes.
     */
    private record Held(byte[] key, String keyId, Map<String, Revoked> revoked, Cache<String, String> published) {
        static Held under(byte[] key) {
            return new Held(
                    key,
                    RevocationKey.id(key),
                    new ConcurrentHashMap<>(),
                    Caffeine.newBuilder().maximumSize(200_000).build());
        }
    }

    private final AuthServiceChannel auth;
    private final RevocationKey key;
    private final Readiness readiness;
    private final Clock clock;
    private final RateLimitedLog broken = new RateLimitedLog(log, Duration.ofMinutes(1));
    private volatile Held held;
    private volatile boolean current;
    private volatile Duration retry = FIRST_RETRY;

    public RevocationFeed(AuthServiceChannel auth, RevocationKey key, Readiness readiness, Clock clock) {
        super("revocation-feed");
        this.auth = auth;
        this.key = key;
        this.readiness = readiness;
        this.clock = clock;
        readiness.notMet(CONDITION, "the list of withdrawn identities has not been received from the auth service yet");
    }

    @Override
    public Optional<Instant> revokedAt(String subject, String examId) {
        Held list = held;
        if (list == null || list.revoked().isEmpty()) {
            return Optional.empty();
        }
        String value =
                list.published().get(Identifiers.identity(subject, examId), id -> RevocationKey.mac(list.key(), id));
        Revoked entry = list.revoked().get(value);
        if (entry == null || !entry.expiresAt().isAfter(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(entry.revokedAt());
    }

    @Override
    public boolean current() {
        return current;
    }

    /** Opens the stream, with a proof of holding the cluster's key; without the key yet, tries again later. */
    private void watch() {
        if (stopped()) {
            return;
        }
        Optional<byte[]> shared = key.current();
        if (shared.isEmpty()) {
            broken.warn("The revocation key is not in the cluster yet (the auth service publishes it); waiting");
            again();
            return;
        }
        Held list = under(shared.get());
        WatchRevocationsRequest request = WatchRevocationsRequest.newBuilder()
                .setProof(RevocationKey.proof(list.key(), clock.millis()))
                .build();
        AuthServiceGrpc.newStub(auth.channel()).watchRevocations(request, new StreamObserver<>() {
            @Override
            public void onNext(RevocationUpdate update) {
                if (!list.keyId().equals(update.getKeyId())) {
                    throw new IllegalStateException("The revocations come under key " + update.getKeyId()
                            + ", not the cluster's " + list.keyId());
                }
                update.getRevocationsList().forEach(revocation -> hold(list, revocation));
                if (update.getComplete()) {
                    retry = FIRST_RETRY;
                    if (!current) {
                        current = true;
                        readiness.met(CONDITION);
                        log.info(
                                "Holding the list of withdrawn identities ({} in force)",
                                list.revoked().size());
                    }
                }
            }

            @Override
            public void onError(Throwable failure) {
                if (!stopped()) {
                    broken.warn(
                            "The auth service's revocation stream broke ({}); opening it again", failure.toString());
                    again();
                }
            }

            @Override
            public void onCompleted() {
                again();
            }
        });
    }

    /** The list held under this key: the one held, or a new, empty one if the key changed. */
    private Held under(byte[] clusterKey) {
        Held list = held;
        if (list != null && list.keyId().equals(RevocationKey.id(clusterKey))) {
            return list;
        }
        if (list != null) {
            current = false;
            readiness.notMet(CONDITION, "the revocation key changed; the list is being received again");
        }
        Held fresh = Held.under(clusterKey);
        held = fresh;
        return fresh;
    }

    private static void hold(Held list, Revocation revocation) {
        Instant revokedAt = Instant.ofEpochSecond(
                revocation.getRevokedAt().getSeconds(),
                revocation.getRevokedAt().getNanos());
        Instant expiresAt = Instant.ofEpochSecond(
                revocation.getExpiresAt().getSeconds(),
                revocation.getExpiresAt().getNanos());
        list.revoked()
                .merge(
                        revocation.getIdentityHash(),
                        new Revoked(revokedAt, expiresAt),
                        (kept, sent) -> sent.revokedAt().isAfter(kept.revokedAt()) ? sent : kept);
    }

    private void again() {
        Duration wait = retry;
        retry = wait.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait.multipliedBy(2);
        later(this::watch, wait.toMillis());
    }

    private void forgetLapsed() {
        Held list = held;
        if (list != null) {
            Instant now = clock.instant();
            list.revoked().values().removeIf(entry -> !entry.expiresAt().isAfter(now));
        }
    }

    @Override
    void begin(ScheduledExecutorService executor) {
        executor.execute(this::watch);
        executor.scheduleWithFixedDelay(this::forgetLapsed, 1, 1, TimeUnit.MINUTES);
    }
}
