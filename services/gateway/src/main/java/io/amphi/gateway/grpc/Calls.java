package io.amphi.gateway.grpc;

import io.amphi.gateway.GatewayProperties;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Makes the gRPC calls of one HTTP request: with the caller's token and real address, under a
 * deadline, and, for calls that may safely be sent twice, again after a transient failure.
 */
@Component
public final class Calls {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> FORWARDED_FOR =
            Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);

    /** Attempts of an idempotent call; the deadline bounds them all. */
    static final int ATTEMPTS = 3;
    /** The longest pause between attempts the gateway takes itself; a longer wait goes back to the client. */
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(1);

    private final GatewayProperties properties;

    public Calls(GatewayProperties properties) {
        this.properties = properties;
    }

    /** The caller of an HTTP request, as the services should see it. */
    public record Caller(String authorization, String forwardedFor) {}

    /**
     * A call that changes something each time it is made (a sign-in counts a failure, a refresh
     * token works once, an extension adds time): made once.
     */
    public <S extends AbstractStub<S>, R> R once(S stub, Caller caller, Function<S, R> call) {
        return call.apply(prepare(stub, caller, properties.callTimeout()));
    }

    /** The same, for a call over a whole exam, under the longer deadline. */
    public <S extends AbstractStub<S>, R> R onceBulk(S stub, Caller caller, Function<S, R> call) {
        return call.apply(prepare(stub, caller, properties.bulkCallTimeout()));
    }

    /**
     * A call whose repetition changes nothing more (a save carries its save number, a start returns
     * the session already started, a read): made again when the service was unreachable or lost a
     * race, as long as the deadline allows.
     */
    public <S extends AbstractStub<S>, R> R idempotent(S stub, Caller caller, Function<S, R> call) {
        long deadline = System.nanoTime() + properties.callTimeout().toNanos();
        for (int attempt = 1; ; attempt++) {
            long left = deadline - System.nanoTime();
            try {
                return call.apply(prepare(stub, caller, Duration.ofNanos(Math.max(left, 1))));
            } catch (StatusRuntimeException e) {
                Duration pause = pauseBefore(attempt, e);
                if (attempt >= ATTEMPTS || pause == null || System.nanoTime() + pause.toNanos() >= deadline) {
                    throw e;
                }
                sleep(pause);
            }
        }
    }

    /** How long to wait before trying again, or null when trying again cannot help. */
    private static Duration pauseBefore(int attempt, StatusRuntimeException failure) {
        Status.Code code = failure.getStatus().getCode();
        if (code != Status.Code.UNAVAILABLE && code != Status.Code.ABORTED) {
            return null;
        }
        Duration asked = ServiceErrors.retryAfter(failure);
        Duration pause = asked != null ? asked : Duration.ofMillis(50L * attempt);
        return pause.compareTo(LONGEST_PAUSE) > 0 ? null : pause;
    }

    private static <S extends AbstractStub<S>> S prepare(S stub, Caller caller, Duration timeout) {
        Metadata headers = new Metadata();
        if (caller.authorization() != null) {
            headers.put(AUTHORIZATION, caller.authorization());
        }
        if (caller.forwardedFor() != null) {
            headers.put(FORWARDED_FOR, caller.forwardedFor());
        }
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("The request was cancelled.").asRuntimeException();
        }
    }
}
