package io.amphi.platform.grpc;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import java.time.Clock;

/**
 * When each call reached this replica: stamped as its headers are read off the connection, before
 * any thread hand-off, token check or warm-up, so a waiting line can follow arrival rather than the
 * time a call took to reach it.
 */
public final class CallArrival extends ServerStreamTracer.Factory {

    private static final Context.Key<Long> ARRIVED_AT = Context.key("amphi-arrived-at");

    private final Clock clock;

    public CallArrival(Clock clock) {
        this.clock = clock;
    }

    /** When the current call arrived (epoch milliseconds); now, for a call that was not stamped. */
    public static long arrivedAtMillis(Clock clock) {
        Long arrived = ARRIVED_AT.get();
        return arrived == null ? clock.millis() : arrived;
    }

    /** How long the current call has been on this replica, most of it waiting for a thread. */
    long waitedMillis() {
        Long arrived = ARRIVED_AT.get();
        return arrived == null ? 0 : clock.millis() - arrived;
    }

    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        long arrived = clock.millis();
        return new ServerStreamTracer() {
            @Override
            public Context filterContext(Context context) {
                return context.withValue(ARRIVED_AT, arrived);
            }
        };
    }
}
