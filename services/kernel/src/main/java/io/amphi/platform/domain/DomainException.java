package io.amphi.platform.domain;

/**
 * A business rule refused a request. Domain code throws it with a {@link Kind} that says what sort of
 * refusal it is; transports translate the kind into their own status codes, so the domain never
 * needs to know about gRPC or HTTP.
 */
public class DomainException extends RuntimeException {

    /** What sort of refusal this is. */
    public enum Kind {
        /** The request itself is malformed or does not fit the rules (gRPC INVALID_ARGUMENT). */
        INVALID_INPUT,
        /** What the request names does not exist (NOT_FOUND). */
        NOT_FOUND,
        /** The caller may not do this (PERMISSION_DENIED). */
        FORBIDDEN,
        /** The request is well formed but the state does not allow it now (FAILED_PRECONDITION). */
        PRECONDITION_FAILED,
        /** The caller did not prove who they are: no, bad or withdrawn credentials (UNAUTHENTICATED). */
        UNAUTHENTICATED
    }

    private final Kind kind;
    private final String reason;
    private final String questionId;

    public DomainException(Kind kind, String reason, String questionId, String message) {
        super(message);
        this.kind = kind;
        this.reason = reason;
        this.questionId = questionId;
    }

    public static DomainException invalid(String reason, String message) {
        return new DomainException(Kind.INVALID_INPUT, reason, null, message);
    }

    public static DomainException invalidAnswer(String questionId, String message) {
        return new DomainException(Kind.INVALID_INPUT, "INVALID_ANSWER", questionId, message);
    }

    public static DomainException notFound(String reason, String message) {
        return new DomainException(Kind.NOT_FOUND, reason, null, message);
    }

    public static DomainException forbidden(String reason, String message) {
        return new DomainException(Kind.FORBIDDEN, reason, null, message);
    }

    public static DomainException precondition(String reason, String message) {
        return new DomainException(Kind.PRECONDITION_FAILED, reason, null, message);
    }

    /** Not now, in this state, but the same request can succeed after {@code retryAfter}. */
    public static DomainException preconditionForNow(String reason, String message, java.time.Duration retryAfter) {
        return new DomainException(Kind.PRECONDITION_FAILED, reason, null, message) {
            @Override
            public java.time.Duration retryAfter() {
                return retryAfter;
            }
        };
    }

    public static DomainException unauthenticated(String reason, String message) {
        return new DomainException(Kind.UNAUTHENTICATED, reason, null, message);
    }

    /** When trying again later can succeed, how long to wait; {@code null} when it cannot. */
    public java.time.Duration retryAfter() {
        return null;
    }

    public Kind kind() {
        return kind;
    }

    /** A stable upper-case code for machines, e.g. {@code DEADLINE_PASSED}. */
    public String reason() {
        return reason;
    }

    /** The question concerned, or {@code null}. */
    public String questionId() {
        return questionId;
    }
}
