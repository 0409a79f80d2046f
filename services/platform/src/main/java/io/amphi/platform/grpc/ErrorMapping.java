package io.amphi.platform.grpc;

import io.amphi.platform.RateLimitedLog;
import io.amphi.platform.cluster.RateLimiter;
import io.amphi.platform.db.DatabaseFailures;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Identifiers;
import io.amphi.proto.common.v1.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
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
 * {@link ErrorInfo} in the {@value #ERROR_INFO_TRAILER} trailer for machines: every non-OK status
 * the platform sends carries one. Unknown failures become INTERNAL with an error id that is also
 * logged, never with a stack trace sent to the client; a database that cannot be reached becomes
 * UNAVAILABLE, which a client retries.
 */
public final class ErrorMapping {

    /** The name of the binary trailer carrying the {@link ErrorInfo}, as documented in the protos. */
    public static final String ERROR_INFO_TRAILER = "amphi-error-bin";

    /** The trailer that carries the {@link ErrorInfo}. */
    public static final Metadata.Key<ErrorInfo> ERROR_INFO_KEY =
            Metadata.Key.of(ERROR_INFO_TRAILER, ProtoUtils.metadataMarshaller(ErrorInfo.getDefaultInstance()));

    /** The longest message sent back; a safety net, since messages quote client input only in short. */
    static final int MAX_MESSAGE = 1_000;

    /** How long a client waits before retrying a call the database could not take. */
    static final Duration DATABASE_RETRY_AFTER = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);
    private static final RateLimitedLog databaseDown = new RateLimitedLog(log, Duration.ofSeconds(10));

    private ErrorMapping() {}

    /** A status and the trailers to close the call with. */
    public record MappedError(Status status, Metadata trailers) {
        public StatusRuntimeException asException() {
            return status.asRuntimeException(trailers);
        }
    }

    public static MappedError map(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof StatusRuntimeException sre) {
            return withErrorInfo(sre.getStatus(), sre.getTrailers());
        }
        if (cause instanceof DomainException de) {
            Status status = switch (de.kind()) {
                case INVALID_INPUT -> Status.INVALID_ARGUMENT;
                case NOT_FOUND -> Status.NOT_FOUND;
                case FORBIDDEN -> Status.PERMISSION_DENIED;
                case PRECONDITION_FAILED -> Status.FAILED_PRECONDITION;
                case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            };
            return error(
                    status, de.reason(), de.getMessage(), de.questionId(), de.retryAfter() != null, de.retryAfter());
        }
        if (cause instanceof RateLimiter.RateLimitExceeded limited) {
            return error(
                    Status.RESOURCE_EXHAUSTED,
                    limited.reason(),
                    limited.getMessage(),
                    null,
                    true,
                    limited.retryAfter());
        }
        if (cause instanceof ConcurrencyException) {
            return error(
                    Status.ABORTED,
                    "CONCURRENT_UPDATE",
                    "Another request changed this session at the same moment; nothing of this request was stored. Send it again.",
                    null,
                    true,
                    null);
        }
        if (cause instanceof AggregateNotFoundException) {
            return error(Status.NOT_FOUND, "NOT_FOUND", "What this request names does not exist.", null, false, null);
        }
        if (DatabaseFailures.unreachable(failure)) {
            databaseDown.warn(
                    "The database cannot be reached; calls are answered UNAVAILABLE until it is back: {}",
                    cause.toString());
            return error(
                    Status.UNAVAILABLE,
                    "DATABASE_UNAVAILABLE",
                    "The service cannot reach its database just now, so this request may not have been stored: send it "
                            + "again in a moment (a resend is safe).",
                    null,
                    true,
                    DATABASE_RETRY_AFTER);
        }
        String errorId = UUID.randomUUID().toString();
        log.error("Unexpected failure, error id {}", errorId, cause);
        return error(
                Status.INTERNAL,
                "INTERNAL",
                "The server failed unexpectedly (error id " + errorId + "). Nothing was acknowledged; retry later.",
                null,
                true,
                null);
    }

    /** A status of the platform's own making, with its {@link ErrorInfo}. */
    public static MappedError error(Status status, String reason, String message, boolean retryable) {
        return error(status, reason, message, null, retryable, null);
    }

    /** The same, telling the client when to try again. */
    public static MappedError error(
            Status status, String reason, String message, boolean retryable, Duration retryAfter) {
        return error(status, reason, message, null, retryable, retryAfter);
    }

    /**
     * A status someone else made (gRPC itself, or a handler that built one) keeps its code and
     * description, and gets an {@link ErrorInfo} if it has none, so every refusal looks the same.
     */
    public static MappedError withErrorInfo(Status status, Metadata trailers) {
        Metadata kept = trailers == null ? new Metadata() : trailers;
        if (kept.containsKey(ERROR_INFO_KEY)) {
            return new MappedError(status, kept);
        }
        String message = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        boolean retryable = switch (status.getCode()) {
            case UNAVAILABLE, ABORTED, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED -> true;
            default -> false;
        };
        MappedError mapped = error(status, status.getCode().name(), message, null, retryable, null);
        kept.merge(mapped.trailers());
        return new MappedError(mapped.status(), kept);
    }

    private static MappedError error(
            Status status, String reason, String message, String questionId, boolean retryable, Duration retryAfter) {
        String bounded = message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
        Metadata trailers = new Metadata();
        ErrorInfo.Builder info =
                ErrorInfo.newBuilder().setReason(reason).setMessage(bounded).setRetryable(retryable);
        if (Identifiers.valid(questionId)) {
            info.setQuestionId(questionId);
        }
        if (retryAfter != null) {
            info.setRetryAfter(Protos.duration(retryAfter));
        }
        trailers.put(ERROR_INFO_KEY, info.build());
        return new MappedError(status.withDescription(bounded), trailers);
    }

    /** Digs out what a handler threw from the wrappers the command bus and futures put around it. */
    public static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while (true) {
            Throwable inner = switch (current) {
                case CommandExecutionException cee
                when cee.getDetails().orElse(null) instanceof Throwable detail -> detail;
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
