package io.amphi.delivery.lease;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryRemovedListener;
import io.amphi.platform.domain.DomainException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * One live client per session: the page (a browser tab, a device) that holds a session's lease is
 * the only one whose saves are taken; a second one is refused, with a clear reason, until the
 * first lets go or stops renewing. Leases live in the cluster's shared memory, not in the event
 * log: they say who is connected now, nothing a restart must keep. Values are plain strings
 * ("<client id>@<expiry in epoch millis>") updated by compare-and-set, so every member of the
 * cluster can hold them, whatever classes it has.
 *
 * <p>A replica remembers the leases it granted itself and lets their holders' saves through
 * without asking the cluster (a remote read per save cost about a quarter of a save's CPU,
 * measured). Another client can take a lease over only once it expired or was released. Expiry is
 * judged here with a margin for clocks that differ; a release, wherever it was made, removes the
 * lease from the cluster, and every replica hears of that removal and forgets the lease. Between
 * the removal and the moment a replica hears of it (the cluster's event delivery, normally
 * milliseconds), the released page's own late saves may still pass there.
 */
public class SessionLeases {

    /** How long a lease lasts without renewal: a tab that crashed lets go after this. */
    public static final Duration LEASE = Duration.ofSeconds(30);
    /** How often a holder renews. */
    public static final Duration RENEW_EVERY = Duration.ofSeconds(10);

    static final String MAP = "amphi-session-leases";
    /** How much sooner than its expiry a lease granted here stops being trusted without asking the cluster. */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);

    private static final long MOST_LEASES_REMEMBERED = 200_000;

    private final IMap<String, String> leases;
    private final Clock clock;
    private final Cache<String, Lease> grantedHere;

    public SessionLeases(HazelcastInstance hazelcast, Clock clock) {
        this.leases = hazelcast.getMap(MAP);
        this.clock = clock;
        this.grantedHere = Caffeine.newBuilder()
                .expireAfterWrite(LEASE)
                .maximumSize(MOST_LEASES_REMEMBERED)
                .build();
        leases.addEntryListener(
                (EntryRemovedListener<String, String>) removed -> grantedHere.invalidate(removed.getKey()), false);
    }

    /** A lease held until {@code expiresAt}. */
    public record Lease(String clientId, Instant expiresAt) {

        static Lease parse(String value) {
            int at = value.lastIndexOf('@');
            return new Lease(value.substring(0, at), Instant.ofEpochMilli(Long.parseLong(value.substring(at + 1))));
        }

        String value() {
            return clientId + "@" + expiresAt.toEpochMilli();
        }
    }

    /**
     * Takes or renews the session's lease for this client; refused while another client holds it. A
     * renewal on the replica that granted the lease skips the read: the lease it granted is the
     * expected value of the compare-and-set, which reads the cluster only if that guess is wrong.
     */
    public Lease hold(String sessionId, String clientId) {
        Lease granted = grantedHere.getIfPresent(sessionId);
        String guess = granted != null && granted.clientId().equals(clientId) ? granted.value() : null;
        while (true) {
            Instant now = clock.instant();
            Lease mine = new Lease(clientId, now.plus(LEASE));
            String current = guess != null ? guess : leases.get(sessionId);
            guess = null;
            if (current == null) {
                if (leases.putIfAbsent(sessionId, mine.value(), ttlSeconds(), TimeUnit.SECONDS) == null) {
                    grantedHere.put(sessionId, mine);
                    return mine;
                }
                continue;
            }
            refuseIfHeldByAnother(Lease.parse(current), clientId, now);
            if (leases.replace(sessionId, current, mine.value())) {
                leases.setTtl(sessionId, ttlSeconds(), TimeUnit.SECONDS);
                grantedHere.put(sessionId, mine);
                return mine;
            }
        }
    }

    /**
     * When a page of each session was last heard of (its lease renewed), for those of the given
     * sessions that have been heard of in the last minute or so; the others are not connected.
     */
    public java.util.Map<String, Instant> lastSeen(java.util.Set<String> sessionIds) {
        java.util.Map<String, Instant> seen = new java.util.HashMap<>();
        leases.getAll(sessionIds)
                .forEach((session, value) ->
                        seen.put(session, Lease.parse(value).expiresAt().minus(LEASE)));
        return seen;
    }

    /** Lets go of the session, if this client holds it; a no-op otherwise. */
    public void release(String sessionId, String clientId) {
        grantedHere
                .asMap()
                .computeIfPresent(
                        sessionId, (session, lease) -> lease.clientId().equals(clientId) ? null : lease);
        String current = leases.get(sessionId);
        if (current != null && Lease.parse(current).clientId().equals(clientId)) {
            leases.remove(sessionId, current);
        }
    }

    /**
     * Refuses a change to the session from a client other than the live holder. A caller that names
     * no client (a program over gRPC that takes no lease) is refused too while a page holds one.
     */
    public void requireHolder(String sessionId, String clientId) {
        Lease granted = clientId == null ? null : grantedHere.getIfPresent(sessionId);
        if (granted != null
                && granted.clientId().equals(clientId)
                && granted.expiresAt().minus(CLOCK_MARGIN).isAfter(clock.instant())) {
            return;
        }
        String current = leases.get(sessionId);
        if (current != null) {
            refuseIfHeldByAnother(Lease.parse(current), clientId, clock.instant());
        }
    }

    private static void refuseIfHeldByAnother(Lease lease, String clientId, Instant now) {
        if (!lease.clientId().equals(clientId) && lease.expiresAt().isAfter(now)) {
            Duration retryAfter = Duration.between(now, lease.expiresAt());
            throw DomainException.preconditionForNow(
                    "SESSION_OPEN_ELSEWHERE",
                    ("This exam is open in another tab or on "
                                    + "another device, which alone may answer. Continue there, or close it: this page may take over within %d "
                                    + "seconds.")
                            .formatted(Math.max(1, retryAfter.toSeconds() + 1)),
                    retryAfter);
        }
    }

    private static long ttlSeconds() {
        return LEASE.toSeconds() * 2;
    }
}
