package io.amphi.platform.grpc;

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
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.amphi.platform.RateLimitedLog;
import io.amphi.platform.cluster.RevocationKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's copy of the withdrawn identities, kept by the auth service's WatchRevocations stream:
 * the whole list at start (the replica is not ready, and refuses tokens, until it has it), then
 * each new revocation as it is made. Identities come as HMAC-SHA256 values made with the
 * cluster's {@link RevocationKey}. When the stream breaks it is opened again and the whole list sent
 * anew; a revocation made meanwhile reaches this replica then (auth being out of reach, usually none
 * is made).
 */
public class RevocationFeed extends ReadinessTask implements RevocationList {

    static final String CONDITION = "revocations";
    private static final Logger log = LoggerFactory.getLogger(RevocationFeed.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(10);

    private record Revoked(Instant revokedAt, Instant expiresAt) {
    }

    private final AuthServiceChannel auth;
    private final RevocationKey key;
    private final Readiness readiness;
    private final Clock clock;
    private volatile byte[] macKey;
    private final Map<String, Revoked> revoked = new ConcurrentHashMap<>();
    /** Each identity's published value, computed once per identity (a caller sends one token for minutes). */
    private final Cache<String, String> published = Caffeine.newBuilder().maximumSize(200_000).build();
    private final RateLimitedLog broken = new RateLimitedLog(log, Duration.ofMinutes(1));
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
        byte[] current = macKey;
        if (current == null || revoked.isEmpty()) {
            return Optional.empty();
        }
        String identity = RevocationList.identity(subject, examId);
        Revoked entry = revoked.get(published.get(identity, held -> RevocationKey.mac(current, held)));
        if (entry == null || !entry.expiresAt().isAfter(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(entry.revokedAt());
    }

    @Override
    public boolean current() {
        return current;
    }

    private void watch() {
        if (stopped()) {
            return;
        }
        AuthServiceGrpc.newStub(auth.channel()).watchRevocations(WatchRevocationsRequest.getDefaultInstance(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(RevocationUpdate update) {
                        if (!sameKey(update.getKeyId())) {
                            broken.warn("The revocations come under key {}, which this member cannot read from the "
                                    + "cluster yet; asking again", update.getKeyId());
                            throw new IllegalStateException("unknown revocation key " + update.getKeyId());
                        }
                        update.getRevocationsList().forEach(RevocationFeed.this::hold);
                        if (update.getComplete()) {
                            retry = FIRST_RETRY;
                            if (!current) {
                                current = true;
                                readiness.met(CONDITION);
                                log.info("Holding the list of withdrawn identities ({} in force)", revoked.size());
                            }
                        }
                    }

                    @Override
                    public void onError(Throwable failure) {
                        if (!stopped()) {
                            broken.warn("The auth service's revocation stream broke ({}); opening it again", failure.toString());
                            again();
                        }
                    }

                    @Override
                    public void onCompleted() {
                        again();
                    }
                });
    }

    /** Whether the list's hashes are made with the key this member holds, reading it from the cluster if not. */
    private boolean sameKey(String keyId) {
        byte[] held = macKey;
        if (held != null && RevocationKey.id(held).equals(keyId)) {
            return true;
        }
        byte[] shared = key.current().orElse(null);
        if (shared == null || !RevocationKey.id(shared).equals(keyId)) {
            return false;
        }
        if (held != null) {
            revoked.clear();
            published.invalidateAll();
            current = false;
            readiness.notMet(CONDITION, "the revocation key changed; the list is being received again");
        }
        macKey = shared;
        return true;
    }

    private void hold(Revocation revocation) {
        Instant revokedAt = Instant.ofEpochSecond(revocation.getRevokedAt().getSeconds(), revocation.getRevokedAt().getNanos());
        Instant expiresAt = Instant.ofEpochSecond(revocation.getExpiresAt().getSeconds(), revocation.getExpiresAt().getNanos());
        revoked.merge(revocation.getIdentityHash(), new Revoked(revokedAt, expiresAt),
                (held, sent) -> sent.revokedAt().isAfter(held.revokedAt()) ? sent : held);
    }

    private void again() {
        Duration wait = retry;
        retry = wait.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait.multipliedBy(2);
        later(this::watch, wait.toMillis());
    }

    private void forgetLapsed() {
        Instant now = clock.instant();
        revoked.values().removeIf(entry -> !entry.expiresAt().isAfter(now));
    }

    @Override
    void begin(ScheduledExecutorService executor) {
        executor.execute(this::watch);
        executor.scheduleWithFixedDelay(this::forgetLapsed, 1, 1, TimeUnit.MINUTES);
    }
}
