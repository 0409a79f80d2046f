package io.amphi.auth.grpc;

import io.amphi.auth.revocation.DurableRevocations;
import io.amphi.auth.revocation.DurableRevocations.Revoked;
import io.amphi.platform.cluster.RateLimiter;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.grpc.Protos;
import io.amphi.proto.auth.v1.Revocation;
import io.amphi.proto.auth.v1.RevocationUpdate;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * The open WatchRevocations streams of this replica: each gets every revocation in force, then
 * every new one, from this replica or another. They are ended before the gRPC server stops, so a
 * stopping replica never waits on a stream that would stay open for hours.
 */
public class RevocationStreams implements SmartLifecycle {

    /** Revocations per message while the list in force is sent. */
    static final int BATCH = 1_000;
    /** Far more than the services of a deployment open; beyond, a new watcher is refused. */
    static final int MOST_WATCHERS = 1_000;

    private final DurableRevocations revocations;
    /** Each open stream and the lock that keeps its messages one at a time. */
    private final Map<ServerCallStreamObserver<RevocationUpdate>, Object> open = new ConcurrentHashMap<>();

    private volatile boolean running;
    private volatile ScheduledExecutorService republishing;

    public RevocationStreams(DurableRevocations revocations) {
        this.revocations = revocations;
    }

    /** Serves one watcher, a member of the cluster by its proof, until it goes away or this replica stops. */
    void serve(String proof, ServerCallStreamObserver<RevocationUpdate> stream) {
        if (!revocations.proves(proof)) {
            throw DomainException.forbidden(
                    "NOT_A_MEMBER",
                    "The revocations are for the members of the platform's "
                            + "cluster: send the proof of holding its key, made within the last two minutes.");
        }
        if (!running) {
            stream.onCompleted();
            return;
        }
        if (open.size() >= MOST_WATCHERS) {
            throw new RateLimiter.RateLimitExceeded(
                    "TOO_MANY_WATCHERS",
                    ("This auth replica already streams the "
                                    + "revocations to %d watchers; try another replica, or again later.")
                            .formatted(open.size()),
                    Duration.ofSeconds(10));
        }
        Object sending = new Object();
        Runnable stopWatching = revocations.watch(revoked -> {
            synchronized (sending) {
                if (!stream.isCancelled() && open.containsKey(stream)) {
                    stream.onNext(RevocationUpdate.newBuilder()
                            .addRevocations(toProto(revoked))
                            .setComplete(true)
                            .setKeyId(revocations.keyId())
                            .build());
                }
            }
        });
        Runnable forget = () -> {
            open.remove(stream);
            stopWatching.run();
        };
        stream.setOnCancelHandler(forget);
        stream.setOnCloseHandler(forget);
        open.put(stream, sending);
        synchronized (sending) {
            if (!running) {
                if (open.remove(stream) != null) {
                    stopWatching.run();
                    stream.onCompleted();
                }
                return;
            }
            List<Revoked> inForce = revocations.inForce();
            for (int from = 0; from < inForce.size(); from += BATCH) {
                stream.onNext(RevocationUpdate.newBuilder()
                        .addAllRevocations(inForce.subList(from, Math.min(inForce.size(), from + BATCH)).stream()
                                .map(this::toProto)
                                .toList())
                        .setKeyId(revocations.keyId())
                        .build());
            }
            stream.onNext(RevocationUpdate.newBuilder()
                    .setComplete(true)
                    .setKeyId(revocations.keyId())
                    .build());
        }
    }

    private Revocation toProto(Revoked revoked) {
        return Revocation.newBuilder()
                .setIdentityHash(revocations.published(revoked.identity()))
                .setRevokedAt(Protos.timestamp(revoked.revokedAt()))
                .setExpiresAt(Protos.timestamp(revoked.expiresAt()))
                .build();
    }

    /** Publishes the list's key to the cluster again every half minute, should the cluster have lost it. */
    @Override
    public void start() {
        running = true;
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("revocation-key").daemon().factory());
        executor.scheduleWithFixedDelay(revocations::publishKey, 30, 30, TimeUnit.SECONDS);
        republishing = executor;
    }

    /** Ends every stream; the watchers open one again, on a replica that runs. */
    @Override
    public void stop() {
        running = false;
        republishing.shutdownNow();
        open.forEach((stream, sending) -> {
            synchronized (sending) {
                if (open.remove(stream) != null) {
                    try {
                        stream.onCompleted();
                    } catch (RuntimeException alreadyGone) {
                        // The watcher left at the same moment: nothing to end.
                    }
                }
            }
        });
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the gRPC server, which would otherwise wait for these streams to end. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 50;
    }
}
