package io.amphi.platform.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.amphi.platform.RateLimitedLog;
import io.grpc.Context;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge of every gRPC service, before anything of the application runs: each request's metadata
 * and message are bounded, and a message that is not a valid protobuf of its type (malformed bytes,
 * invalid UTF-8 in a string) is refused with INVALID_ARGUMENT and an {@code ErrorInfo}, as one
 * call's error, logged at most as a rate-limited line. gRPC itself would answer UNKNOWN and log a
 * stack trace per such request, since it parses messages before any interceptor sees them; here
 * messages reach the boundary as bytes and are parsed inside it.
 */
final class RequestBoundary implements ServerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(RequestBoundary.class);

    /** Requests pass through as the transport's stream, parsed by the service's own marshaller inside the boundary. */
    private static final MethodDescriptor.Marshaller<InputStream> AS_RECEIVED = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };

    /** When a busy replica's caller may try again (or another replica take the call at once). */
    private static final Duration RETRY_WHEN_BUSY = Duration.ofSeconds(1);

    private final int maxMessageBytes;
    private final int maxMetadataBytes;
    private final CallArrival arrival;
    private final long maxQueueWaitMillis;
    private final RateLimitedLog malformed = new RateLimitedLog(log, Duration.ofSeconds(10));

    RequestBoundary(int maxMessageBytes, int maxMetadataBytes, CallArrival arrival, Duration maxQueueWait) {
        this.maxMessageBytes = maxMessageBytes;
        this.maxMetadataBytes = maxMetadataBytes;
        this.arrival = arrival;
        this.maxQueueWaitMillis = maxQueueWait.toMillis();
    }

    /**
     * Refuses a call that waited in line too long: under a backlog, running the oldest calls first
     * answers each just before its caller gives up and the replica never catches up; refused at
     * once, the line empties and the calls run are fresh. A refused save was not acknowledged:
     * the page (or the gateway) sends it again. Checked as the call starts, when the time since its
     * headers arrived is time spent in line (a unary call's message is handled in the same turn);
     * later, it would also count the time a large message took to upload.
     */
    private ErrorMapping.MappedError waitedTooLong() {
        long waited = arrival.waitedMillis();
        if (waited <= maxQueueWaitMillis) {
            return null;
        }
        return ErrorMapping.error(
                Status.UNAVAILABLE,
                "REPLICA_BUSY",
                "This replica is busy: the call waited %d ms for its turn (at most %d ms). Send it again in a second."
                        .formatted(waited, maxQueueWaitMillis),
                true,
                RETRY_WHEN_BUSY);
    }

    /** The service behind the boundary. */
    ServerServiceDefinition guard(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(
                ServerInterceptors.useMarshalledMessages(service, AS_RECEIVED, AS_RECEIVED), this);
    }

    /** Answers calls to methods no service has with UNIMPLEMENTED and an {@code ErrorInfo}. */
    HandlerRegistry unknownMethods() {
        return new HandlerRegistry() {
            @Override
            public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
                MethodDescriptor<InputStream, InputStream> method = MethodDescriptor.newBuilder(
                                AS_RECEIVED, AS_RECEIVED)
                        .setType(MethodDescriptor.MethodType.UNKNOWN)
                        .setFullMethodName(methodName)
                        .build();
                return ServerMethodDefinition.create(method, (call, headers) -> {
                    close(
                            call,
                            ErrorMapping.error(
                                    Status.UNIMPLEMENTED,
                                    "UNKNOWN_METHOD",
                                    "This server has no method %s."
                                            .formatted(io.amphi.platform.domain.Inputs.quote(methodName)),
                                    false));
                    return new ServerCall.Listener<>() {};
                });
            }
        };
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> received, Metadata headers, ServerCallHandler<Q, R> next) {
        ServerCall<Q, R> call = withErrorInfo(received);
        int metadataBytes = metadataBytes(headers);
        if (metadataBytes > maxMetadataBytes) {
            close(
                    call,
                    ErrorMapping.error(
                            Status.INVALID_ARGUMENT,
                            "METADATA_TOO_LARGE",
                            "The call's metadata is %d bytes; at most %d are accepted."
                                    .formatted(metadataBytes, maxMetadataBytes),
                            false));
            return new ServerCall.Listener<>() {};
        }
        ErrorMapping.MappedError busy = waitedTooLong();
        if (busy != null) {
            close(call, busy);
            return new ServerCall.Listener<>() {};
        }
        AtomicBoolean refused = new AtomicBoolean();
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            @Override
            public void onMessage(Q message) {
                if (refused.get()) {
                    return;
                }
                InputStream received = (InputStream) message;
                int size = size(received);
                if (size > maxMessageBytes) {
                    refuse(tooLarge(size));
                    return;
                }
                try {
                    super.onMessage(uncheckedCast(new BoundedStream(received, maxMessageBytes)));
                } catch (MessageTooLarge e) {
                    refuse(tooLarge(e.size));
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                        // The transport's own limit on a decompressed message.
                        refuse(tooLarge(maxMessageBytes + 1));
                    } else if (parseFailure(e)) {
                        malformed.warn(
                                "Refused a malformed {} request: {}",
                                call.getMethodDescriptor().getFullMethodName(),
                                describe(e));
                        refuse(ErrorMapping.error(
                                Status.INVALID_ARGUMENT,
                                "MALFORMED_REQUEST",
                                "The request is not a valid %s message: %s."
                                        .formatted(call.getMethodDescriptor().getFullMethodName(), describe(e)),
                                false));
                    } else {
                        throw e;
                    }
                }
            }

            @Override
            public void onHalfClose() {
                // A call whose caller gave up (its deadline passed while it waited for a thread) is
                // not run: nobody would get its answer, and under overload that work would only
                // delay the calls still waited for. A save it held was not acknowledged: the page resends it.
                if (!refused.get() && !Context.current().isCancelled()) {
                    super.onHalfClose();
                }
            }

            private void refuse(ErrorMapping.MappedError error) {
                refused.set(true);
                close(call, error);
            }
        };
    }

    private ErrorMapping.MappedError tooLarge(long size) {
        return ErrorMapping.error(
                Status.INVALID_ARGUMENT,
                "MESSAGE_TOO_LARGE",
                "The request is %s bytes; at most %d are accepted."
                        .formatted(
                                size > maxMessageBytes && size == maxMessageBytes + 1
                                        ? "more than " + maxMessageBytes
                                        : Long.toString(size),
                                maxMessageBytes),
                false);
    }

    @SuppressWarnings("unchecked")
    private static <Q> Q uncheckedCast(InputStream stream) {
        return (Q) stream;
    }

    /** Whether gRPC's protobuf marshaller gave up on the bytes (it wraps the reason as INTERNAL). */
    private static boolean parseFailure(StatusRuntimeException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidProtocolBufferException) {
                return true;
            }
        }
        return false;
    }

    /** A message read no further than the accepted size: a compressed one says its size only as it is read. */
    private static final class BoundedStream extends FilterInputStream {
        private final long limit;
        private long read;

        BoundedStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(0, n));
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void count(long bytes) {
            read += bytes;
            if (read > limit) {
                throw new MessageTooLarge(read);
            }
        }
    }

    /** Thrown while reading a message past the accepted size. */
    private static final class MessageTooLarge extends RuntimeException {
        private final long size;

        MessageTooLarge(long size) {
            super(null, null, false, false);
            this.size = size;
        }
    }

    /** The call, closed with an ErrorInfo whatever closes it with an error (health and reflection too). */
    private static <Q, R> ServerCall<Q, R> withErrorInfo(ServerCall<Q, R> call) {
        return new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (status.isOk()) {
                    super.close(status, trailers);
                } else {
                    ErrorMapping.MappedError error = ErrorMapping.withErrorInfo(status, trailers);
                    super.close(error.status(), error.trailers());
                }
            }
        };
    }

    private static void close(ServerCall<?, ?> call, ErrorMapping.MappedError error) {
        call.close(error.status(), error.trailers());
    }

    private static int size(InputStream message) {
        try {
            return message.available();
        } catch (IOException e) {
            return 0;
        }
    }

    /** What was wrong with the bytes, in words, without echoing them. */
    private static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidProtocolBufferException invalid) {
                String message = invalid.getMessage() == null ? "" : invalid.getMessage();
                if (message.contains("UTF-8")) {
                    return "a string field holds bytes that are not UTF-8";
                }
                return "its bytes are not a protobuf message of this type";
            }
        }
        return "its bytes cannot be read";
    }

    /** The size HTTP/2 counts for a header list: each name and value, plus 32 bytes per entry. */
    static int metadataBytes(Metadata headers) {
        int total = 0;
        for (String key : headers.keys()) {
            int nameBytes = key.getBytes(StandardCharsets.US_ASCII).length;
            if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                for (byte[] value : headers.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
                    total += nameBytes + value.length + 32;
                }
            } else {
                for (String value : headers.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
                    total += nameBytes + value.length() + 32;
                }
            }
        }
        return total;
    }
}
