package io.amphi.auth.revocation;

import com.hazelcast.core.EntryAdapter;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.amphi.auth.store.RefreshTokens;
import io.amphi.platform.cluster.RevocationKey;
import io.amphi.platform.domain.Identifiers;
import io.amphi.platform.grpc.RevocationList;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The withdrawn identities. PostgreSQL is their durable home: a withdrawal is stored, with the end
 * of the identity's refresh tokens, in one transaction before it is acknowledged; it survives a
 * restart of every member and it bars signing in for good. A Hazelcast replicated map holds the
 * ones in force for access tokens (an hour: longer than any token lives) on every auth replica, and
 * tells each replica of a withdrawal made on another, so each passes it on to the services watching
 * it. Its values are plain JDK types, as every member of the cluster holds a copy, auth's classes or
 * not. At start a replica loads the ones in force into the map and publishes the list's
 * {@link RevocationKey}, kept in its database so the published values stay the same across restarts.
 */
public class DurableRevocations implements RevocationList {

    /** A withdrawal: tokens of {@code identity} issued until {@code revokedAt} are refused until {@code expiresAt}. */
    public record Revoked(String identity, Instant revokedAt, Instant expiresAt) {}

    static final String MAP = "amphi-revocations";
    private static final String KEY_NAME = "revocation-list-key";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final RefreshTokens refreshTokens;
    private final ReplicatedMap<String, long[]> inForce;
    private final Clock clock;
    private final Duration keepFor;
    private final byte[] key;
    private final String keyId;
    private final RevocationKey sharedKey;

    /** @param keepFor how long a withdrawal stays in force for tokens; longer than the longest access token */
    public DurableRevocations(
            JdbcTemplate jdbc,
            TransactionTemplate transactions,
            RefreshTokens refreshTokens,
            HazelcastInstance hazelcast,
            Clock clock,
            Duration keepFor) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.refreshTokens = refreshTokens;
        this.inForce = hazelcast.getReplicatedMap(MAP);
        this.clock = clock;
        this.keepFor = keepFor;
        this.key = storedKey();
        this.keyId = RevocationKey.id(key);
        this.sharedKey = new RevocationKey(hazelcast);
        publishKey();
        jdbc.query(
                        "SELECT identity, revoked_at, expires_at FROM auth_revocation WHERE expires_at > ?",
                        (rs, row) -> new Revoked(
                                rs.getString(1),
                                rs.getTimestamp(2).toInstant(),
                                rs.getTimestamp(3).toInstant()),
                        Timestamp.from(clock.instant()))
                .forEach(this::share);
    }

    /** The list's key, made once and kept. */
    private byte[] storedKey() {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        jdbc.update(
                "INSERT INTO auth_secret (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", KEY_NAME, fresh);
        return jdbc.queryForObject("SELECT value FROM auth_secret WHERE name = ?", byte[].class, KEY_NAME);
    }

    /**
     * From now on, tokens of this identity issued before now are refused everywhere, its refresh
     * tokens are spent, and it cannot sign in again; stored before this returns.
     *
     * @param examId the exam of a candidate; {@code null} for a service account
     */
    public Revoked revoke(String subject, String examId, String revokedBy, String reason) {
        String identity = Identifiers.identity(subject, examId);
        Instant now = clock.instant();
        Revoked revoked = new Revoked(identity, now, now.plus(keepFor));
        transactions.executeWithoutResult(status -> {
            jdbc.update("""
                    INSERT INTO auth_revocation (identity, revoked_at, expires_at, revoked_by, reason) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (identity) DO UPDATE SET revoked_at = EXCLUDED.revoked_at, expires_at = EXCLUDED.expires_at,
                        revoked_by = EXCLUDED.revoked_by, reason = EXCLUDED.reason""", identity, Timestamp.from(now), Timestamp.from(revoked.expiresAt()), revokedBy, reason);
            refreshTokens.endAll(subject, examId);
        });
        share(revoked);
        return revoked;
    }

    private void share(Revoked revoked) {
        long ttl = Duration.between(clock.instant(), revoked.expiresAt()).toMillis();
        if (ttl > 0) {
            inForce.put(
                    revoked.identity(),
                    new long[] {
                        revoked.revokedAt().toEpochMilli(), revoked.expiresAt().toEpochMilli()
                    },
                    ttl,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** When the identity's access was withdrawn, if ever: it then cannot sign in, however long ago that was. */
    public Optional<Instant> withdrawnAt(String subject, String examId) {
        return jdbc
                .queryForList(
                        "SELECT revoked_at FROM auth_revocation WHERE identity = ?",
                        Timestamp.class,
                        Identifiers.identity(subject, examId))
                .stream()
                .findFirst()
                .map(Timestamp::toInstant);
    }

    @Override
    public Optional<Instant> revokedAt(String subject, String examId) {
        long[] revoked = inForce.get(Identifiers.identity(subject, examId));
        return revoked == null || revoked[1] <= clock.millis()
                ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(revoked[0]));
    }

    /** Loaded from PostgreSQL before the service started serving. */
    @Override
    public boolean current() {
        return true;
    }

    /** Every withdrawal in force for tokens. */
    public List<Revoked> inForce() {
        long now = clock.millis();
        return inForce.entrySet().stream()
                .filter(e -> e.getValue()[1] > now)
                .map(DurableRevocations::revoked)
                .toList();
    }

    /** Makes the list's key the cluster's (again, should the cluster have lost it). */
    public void publishKey() {
        sharedKey.publish(key);
    }

    /** Whether a watcher's proof shows it holds the list's key, so is a member of the cluster. */
    public boolean proves(String proof) {
        return RevocationKey.proves(key, proof, clock.millis());
    }

    /** The published value of an identity: HMAC-SHA256 under the list's key. */
    public String published(String identity) {
        return RevocationKey.mac(key, identity);
    }

    /** The id of the list's key, sent with every part of the list. */
    public String keyId() {
        return keyId;
    }

    /**
     * Calls {@code listener} with each withdrawal made from now on, on any auth replica; the
     * returned handle stops it.
     */
    public Runnable watch(Consumer<Revoked> listener) {
        UUID registration = inForce.addEntryListener(new EntryAdapter<>() {
            @Override
            public void entryAdded(EntryEvent<String, long[]> event) {
                listener.accept(revoked(Map.entry(event.getKey(), event.getValue())));
            }

            @Override
            public void entryUpdated(EntryEvent<String, long[]> event) {
                listener.accept(revoked(Map.entry(event.getKey(), event.getValue())));
            }
        });
        return () -> inForce.removeEntryListener(registration);
    }

    private static Revoked revoked(Map.Entry<String, long[]> entry) {
        return new Revoked(
                entry.getKey(), Instant.ofEpochMilli(entry.getValue()[0]), Instant.ofEpochMilli(entry.getValue()[1]));
    }
}
