package io.amphi.platform.grpc;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.text.ParseException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth service's public keys, held by every service that verifies tokens. They are fetched at
 * start (the replica is not ready before) and every five minutes off the request path; a token
 * naming a key not seen yet (a rotation, a restarted auth replica) makes at most one fetch a
 * second, shared by every request that waits for it, so a storm of first sign-ins never queues
 * behind a lock or floods the auth service.
 */
public class SigningKeySet extends ReadinessTask {

    static final String CONDITION = "signing-keys";
    private static final Logger log = LoggerFactory.getLogger(SigningKeySet.class);
    private static final Duration REFRESH = Duration.ofMinutes(5);
    private static final Duration UNKNOWN_KEY_REFETCH = Duration.ofSeconds(1);
    private static final Duration FETCH_WAIT = Duration.ofSeconds(5);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final JwksSource source;
    private final Readiness readiness;
    private volatile JWKSet keys = new JWKSet();
    /** Whether the last fetch succeeded: if not, an unknown key may be one not fetched yet, not a forgery. */
    private volatile boolean lastFetchSucceeded;

    private volatile long lastFetchStartedNanos = System.nanoTime() - UNKNOWN_KEY_REFETCH.toNanos();
    private CompletableFuture<JWKSet> fetching;

    public SigningKeySet(JwksSource source, Readiness readiness) {
        super("signing-keys");
        this.source = source;
        this.readiness = readiness;
        readiness.notMet(CONDITION, "the signing keys have not been fetched yet");
    }

    /**
     * The key with this id, or {@code null} if the auth service does not publish it; fetches the
     * set again, at most once a second, when it is not known. {@link KeysUnavailable} when the set
     * cannot be fetched just now, so a valid token is never called invalid for that.
     */
    public ECKey key(String keyId) {
        JWK key = keys.getKeyByKeyId(keyId);
        if (key == null) {
            CompletableFuture<JWKSet> fetch = fetchIfDue();
            if (fetch != null) {
                key = await(fetch).getKeyByKeyId(keyId);
            }
        }
        if (key == null && !lastFetchSucceeded) {
            throw new KeysUnavailable();
        }
        return key instanceof ECKey ecKey ? ecKey : null;
    }

    /** The auth service's keys cannot be had just now; a retry, later or on another replica, can succeed. */
    public static final class KeysUnavailable extends RuntimeException {
        KeysUnavailable() {
            super(
                    "This replica cannot fetch the auth service's signing keys just now; send the call again in a moment.");
        }
    }

    /** The set a fetch brings; the one held if the fetch fails or takes too long. */
    private JWKSet await(CompletableFuture<JWKSet> fetch) {
        try {
            return fetch.get(FETCH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return keys;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return keys;
        }
    }

    /** The fetch in flight, or a new one if the last started a second ago or more; else none. */
    private synchronized CompletableFuture<JWKSet> fetchIfDue() {
        if (fetching != null && !fetching.isDone()) {
            return fetching;
        }
        return System.nanoTime() - lastFetchStartedNanos >= UNKNOWN_KEY_REFETCH.toNanos() ? fetch() : null;
    }

    /** Joins the fetch in flight, or starts one. */
    private synchronized CompletableFuture<JWKSet> fetch() {
        if (fetching != null && !fetching.isDone()) {
            return fetching;
        }
        lastFetchStartedNanos = System.nanoTime();
        fetching = CompletableFuture.supplyAsync(this::fetchNow, Thread::startVirtualThread)
                .whenComplete((fetched, failure) -> lastFetchSucceeded = failure == null);
        return fetching;
    }

    private JWKSet fetchNow() {
        try {
            JWKSet fetched = JWKSet.parse(source.get());
            keys = fetched;
            readiness.met(CONDITION);
            return fetched;
        } catch (ParseException e) {
            throw new IllegalStateException("The auth service's key set is not a JWKS", e);
        }
    }

    @Override
    void begin(ScheduledExecutorService executor) {
        executor.execute(this::firstFetch);
        executor.scheduleWithFixedDelay(this::refresh, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Until the keys are in, tries again every second; the replica is not ready meanwhile. */
    private void firstFetch() {
        try {
            fetch().join();
            log.info("Signing keys fetched: {} key(s)", keys.getKeys().size());
        } catch (RuntimeException e) {
            readiness.notMet(CONDITION, "the signing keys cannot be fetched: " + e.getMessage());
            log.warn("Cannot fetch the signing keys yet ({}); trying again in {} s", e.getMessage(), RETRY.toSeconds());
            later(this::firstFetch, RETRY.toMillis());
        }
    }

    private void refresh() {
        try {
            fetch().join();
        } catch (RuntimeException e) {
            log.warn(
                    "Cannot refresh the signing keys ({}); keeping the {} held",
                    e.getMessage(),
                    keys.getKeys().size());
        }
    }
}
