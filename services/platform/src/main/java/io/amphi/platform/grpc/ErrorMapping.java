package io.amphi.platform.grpc;

import io.amphi.platform.cluster.RateLimiter;
import io.amphi.platform.domain.DomainException;
import io.amphi.proto.common.v1.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever a handler threw into a gRPC status with a message a person can act on, plus an
 * {@link ErrorInfo} trailer for machines. Unknown failures become INTERNAL with an error id that
 * is also logged, never with a stack trace sent to the client.
 */
public final class ErrorMapping {

    /** The trailer that carries the {@link ErrorInfo}. */
    public static final Metadata.Key<ErrorInfo> ERROR_INFO_KEY =
            ProtoUtils.keyForProto(ErrorInfo.getDefaultInstance());

    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    /** A status and the trailers to close the call with. */
    public record MappedError(Status status, Metadata trailers) {
        public StatusRuntimeException asException() {
            return status.asRuntimeException(trailers);
        }
    }

    public static MappedError map(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof StatusRuntimeException sre) {
            Metadata trailers = sre.getTrailers() == null ? new Metadata() : sre.getTrailers();
            return new MappedError(sre.getStatus(), trailers);
        }
        if (cause instanceof DomainException de) {
            Status status = switch (de.kind()) {
                case INVALID_INPUT -> Status.INVALID_ARGUMENT;
                case NOT_FOUND -> Status.NOT_FOUND;
                case FORBIDDEN -> Status.PERMISSION_DENIED;
                case PRECONDITION_FAILED -> Status.FAILED_PRECONDITION;
            };
            return error(status, de.reason(), de.getMessage(), de.questionId(), false);
        }
        if (cause instanceof RateLimiter.RateLimitExceeded limited) {
            return error(Status.RESOURCE_EXHAUSTED, limited.reason(), limited.getMessage(), null, true,
                    limited.retryAfter());
        }
        if (cause instanceof ConcurrencyException) {
            return error(Status.ABORTED, "CONCURRENT_UPDATE",
                    "Another request changed this session at the same moment; nothing of this request was stored. Send it again.",
                    null, true);
        }
        if (cause instanceof AggregateNotFoundException) {
            return error(Status.NOT_FOUND, "NOT_FOUND", cause.getMessage(), null, false);
        }
        String errorId = UUID.randomUUID().toString();
        log.error("Unexpected failure, error id {}", errorId, cause);
        return error(Status.INTERNAL, "INTERNAL",
                "The server failed unexpectedly (error id " + errorId + "). Nothing was acknowledged; retry later.",
                null, true);
    }

    private static MappedError error(Status status, String reason, String message, String questionId, boolean retryable) {
        return error(status, reason, message, questionId, retryable, null);
    }

    private static MappedError error(Status status, String reason, String message, String questionId, boolean retryable,
                                     java.time.Duration retryAfter) {
        Metadata trailers = new Metadata();
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason(reason).setMessage(message).setRetryable(retryable);
        if (questionId != null) {
            info.setQuestionId(questionId);
        }
        if (retryAfter != null) {
            info.setRetryAfter(Protos.duration(retryAfter));
        }
        trailers.put(ERROR_INFO_KEY, info.build());
        return new MappedError(status.withDescription(message), trailers);
    }

    /** Digs out what a handler threw from the wrappers the command bus and futures put around it. */
    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while (true) {
            Throwable inner = switch (current) {
                case CommandExecutionException cee when cee.getDetails().orElse(null) instanceof Throwable detail -> detail;
                case CommandExecutionException cee -> cee.getCause();
                case CompletionException ce -> ce.getCause();
                case ExecutionException ee -> ee.getCause();
                case UndeclaredThrowableException ute -> ute.getCause();
                default -> null;
            };
            if (inner == null || inner == current) {
                return current;
            }
            current = inner;
        }
    }
}
