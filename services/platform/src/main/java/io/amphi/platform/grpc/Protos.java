package io.amphi.platform.grpc;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.amphi.platform.domain.DomainException;
import io.grpc.stub.StreamObserver;
import java.time.Instant;

/** What every gRPC service of the platform does alike: time types on the wire, unary replies. */
public final class Protos {

    /** 2200-01-01T00:00:00Z. */
    private static final long LATEST_SECONDS = 7_258_118_400L;

    private Protos() {}

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }

    /**
     * A time a client sent, refused (INVALID_ARGUMENT) outside 1970 to 2200 or with nanos out of
     * range, so a hostile value never reaches a clock computation.
     */
    public static Instant instant(Timestamp timestamp, String field) {
        if (timestamp.getSeconds() < 0
                || timestamp.getSeconds() > LATEST_SECONDS
                || timestamp.getNanos() < 0
                || timestamp.getNanos() > 999_999_999) {
            throw DomainException.invalid("INVALID_TIME", "%s must be a time between 1970 and 2200.".formatted(field));
        }
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    public static Duration duration(java.time.Duration duration) {
        return Duration.newBuilder()
                .setSeconds(duration.getSeconds())
                .setNanos(duration.getNano())
                .build();
    }

    public static java.time.Duration duration(Duration duration) {
        return java.time.Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
    }

    /** Answers a unary call. */
    public static <T> void reply(StreamObserver<T> response, T message) {
        response.onNext(message);
        response.onCompleted();
    }
}
