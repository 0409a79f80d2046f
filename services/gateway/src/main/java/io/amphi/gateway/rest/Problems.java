package io.amphi.gateway.rest;

import io.amphi.gateway.grpc.ServiceErrors;
import io.amphi.gateway.web.BodyLimit;
import io.amphi.proto.common.v1.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.validation.ConstraintViolationException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every refusal as {@code application/problem+json} (RFC 9457): the HTTP status, a sentence a
 * person can act on ({@code detail}), and for programs the stable {@code reason} of the service's
 * ErrorInfo, whether to retry, and {@code Retry-After} where waiting helps. A request the gateway
 * cannot read names the field at fault. Nothing a service did not say is invented: its message is
 * passed on as it is (the services quote client input only in short).
 */
@RestControllerAdvice
public class Problems extends ResponseEntityExceptionHandler {

    /** Where the reasons are documented; a problem's type is this plus its reason. */
    static final String TYPE_PREFIX = "urn:amphi:problem:";
    /** Client input quoted in a message is cut to this many characters. */
    static final int QUOTE = 32;

    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    @ExceptionHandler(StatusRuntimeException.class)
    ResponseEntity<Object> serviceRefused(StatusRuntimeException failure) {
        Status status = failure.getStatus();
        ErrorInfo info = ServiceErrors.info(failure);
        HttpStatus http = httpStatus(status.getCode());
        String reason;
        String message;
        boolean retryable;
        if (info != null) {
            reason = info.getReason();
            message = info.getMessage();
            retryable = info.getRetryable();
        } else {
            reason = status.getCode() == Status.Code.DEADLINE_EXCEEDED ? "SERVICE_TIMEOUT" : "SERVICE_UNAVAILABLE";
            message = status.getCode() == Status.Code.DEADLINE_EXCEEDED
                    ? "The service did not answer in time; the request may or may not have been carried out. Send it again (a resend of a save is safe)."
                    : "The service cannot be reached just now; send the request again in a moment.";
            retryable = true;
            if (status.getCode() != Status.Code.DEADLINE_EXCEEDED && status.getCode() != Status.Code.UNAVAILABLE) {
                String errorId = UUID.randomUUID().toString();
                log.error("A service call failed without an Amphi error, error id {}: {}", errorId, status);
                http = HttpStatus.BAD_GATEWAY;
                reason = "SERVICE_FAILED";
                message = "A service failed unexpectedly (error id " + errorId + "). Retry later.";
            }
        }
        ProblemDetail problem = problem(http, reason, message);
        problem.setProperty("retryable", retryable);
        if (info != null && !info.getQuestionId().isEmpty()) {
            problem.setProperty("questionId", info.getQuestionId());
        }
        Duration retryAfter = ServiceErrors.retryAfter(failure);
        HttpHeaders headers = new HttpHeaders();
        if (retryAfter != null) {
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            problem.setProperty("retryAfterSeconds", seconds);
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        } else if (http == HttpStatus.SERVICE_UNAVAILABLE) {
            headers.set(HttpHeaders.RETRY_AFTER, "1");
        }
        return respond(problem, headers);
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> gatewayRefused(ApiException refusal) {
        ProblemDetail problem = problem(refusal.status(), refusal.reason(), refusal.getMessage());
        if (!refusal.problems().isEmpty()) {
            problem.setProperty("problems", refusal.problems());
        }
        return respond(problem, new HttpHeaders());
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> parameterRefused(ConstraintViolationException refusal) {
        List<Map<String, Object>> problems = refusal.getConstraintViolations().stream()
                .map(v -> Map.<String, Object>of(
                        "field", lastNode(v.getPropertyPath().toString()), "message", v.getMessage()))
                .toList();
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "INVALID_REQUEST", describe(problems));
        problem.setProperty("problems", problems);
        return respond(problem, new HttpHeaders());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> parameterType(MethodArgumentTypeMismatchException refusal) {
        ProblemDetail problem = problem(
                HttpStatus.BAD_REQUEST,
                "INVALID_REQUEST",
                "The parameter '" + refusal.getName() + "' has a value of the wrong type ("
                        + quote(String.valueOf(refusal.getValue())) + ").");
        problem.setProperty("field", refusal.getName());
        return respond(problem, new HttpHeaders());
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable c = ex; c != null; c = c.getCause()) {
            if (c instanceof BodyLimit.BodyTooLargeException tooLarge) {
                return respond(
                        problem(HttpStatus.CONTENT_TOO_LARGE, "REQUEST_TOO_LARGE", tooLarge.getMessage()),
                        new HttpHeaders());
            }
        }
        Throwable cause = ex.getMostSpecificCause();
        String field =
                cause instanceof JacksonException json && !json.getPath().isEmpty() ? path(json.getPath()) : null;
        String message = switch (cause) {
            case UnrecognizedPropertyException unknown ->
                "The field '" + field + "' is not part of this request; remove it (see the API documentation).";
            case InvalidFormatException format ->
                "The field '" + field + "' has a value of the wrong type or form ("
                        + quote(String.valueOf(format.getValue())) + ").";
            case MismatchedInputException mismatch
            when field != null -> "The field '" + field + "' has a value of the wrong type.";
            case JacksonException json when field != null -> "The field '" + field + "' cannot be read.";
            case JacksonException json
            when String.valueOf(json.getOriginalMessage()).startsWith("Duplicate") ->
                "A member appears twice in the same JSON object; send each field once.";
            case JacksonException json -> "The request body is not valid JSON.";
            default ->
                ex.getMessage() != null && ex.getMessage().startsWith("Required request body is missing")
                        ? "This request needs a JSON body."
                        : "The request body cannot be read.";
        };
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", message);
        if (field != null) {
            problem.setProperty("field", field);
        }
        return respond(problem, new HttpHeaders());
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, Object>> problems = ex.getBindingResult().getFieldErrors().stream()
                .map(e -> Map.<String, Object>of(
                        "field", objectOfCheck(e.getField()), "message", String.valueOf(e.getDefaultMessage())))
                .toList();
        List<Map<String, Object>> global = ex.getBindingResult().getGlobalErrors().stream()
                .map(e -> Map.<String, Object>of("message", String.valueOf(e.getDefaultMessage())))
                .toList();
        List<Map<String, Object>> all = new java.util.ArrayList<>(problems);
        all.addAll(global);
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "INVALID_REQUEST", describe(all));
        problem.setProperty("problems", all);
        if (problems.size() == 1) {
            problem.setProperty("field", problems.getFirst().get("field"));
        }
        return respond(problem, new HttpHeaders());
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, Object>> problems = ex.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error -> Map.<String, Object>of(
                                "field",
                                result.getMethodParameter().getParameterName() == null
                                        ? "parameter"
                                        : result.getMethodParameter().getParameterName(),
                                "message",
                                String.valueOf(error.getDefaultMessage()))))
                .toList();
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "INVALID_REQUEST", describe(problems));
        problem.setProperty("problems", problems);
        return respond(problem, new HttpHeaders());
    }

    /** Spring's own refusals (unknown path, wrong method or media type, body too large) get a reason too. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> entity = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (entity != null && entity.getBody() instanceof ProblemDetail problem && problem.getProperties() == null) {
            HttpStatus status = HttpStatus.resolve(statusCode.value());
            String reason = status == null ? "HTTP_" + statusCode.value() : status.name();
            problem.setType(URI.create(TYPE_PREFIX + reason));
            problem.setProperty("reason", reason);
            problem.setProperty("retryable", false);
            // Spring's sentence and the instance repeat the request's path, as long as a client made it.
            problem.setInstance(null);
            if (status == HttpStatus.NOT_FOUND) {
                problem.setDetail("There is no such endpoint; the API's endpoints are listed at /api/v1/docs.");
            }
        }
        return entity;
    }

    /** A problem that sending the same request again will not change; {@link #serviceRefused} says otherwise when it can. */
    static ProblemDetail problem(HttpStatus status, String reason, String message) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, message);
        problem.setType(URI.create(TYPE_PREFIX + reason));
        problem.setProperty("reason", reason);
        problem.setProperty("retryable", false);
        return problem;
    }

    private static ResponseEntity<Object> respond(ProblemDetail problem, HttpHeaders headers) {
        return ResponseEntity.status(problem.getStatus())
                .headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /** How each gRPC status reads in HTTP. */
    static HttpStatus httpStatus(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> HttpStatus.BAD_REQUEST;
            case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
            case PERMISSION_DENIED -> HttpStatus.FORBIDDEN;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED -> HttpStatus.CONFLICT;
            case RESOURCE_EXHAUSTED -> HttpStatus.TOO_MANY_REQUESTS;
            case UNAVAILABLE, CANCELLED -> HttpStatus.SERVICE_UNAVAILABLE;
            case DEADLINE_EXCEEDED -> HttpStatus.GATEWAY_TIMEOUT;
            case UNIMPLEMENTED -> HttpStatus.NOT_IMPLEMENTED;
            case OK, UNKNOWN, INTERNAL, DATA_LOSS -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    private static String path(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : references) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(quote(reference.getPropertyName()));
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String describe(List<Map<String, Object>> problems) {
        return problems.stream()
                .map(p -> p.containsKey("field")
                        ? "'" + p.get("field") + "' " + p.get("message")
                        : String.valueOf(p.get("message")))
                .collect(Collectors.joining("; ", "The request is not valid: ", "."));
    }

    /** A check of a whole object ("answer.exactlyOne") is reported on the object ("answer"). */
    private static String objectOfCheck(String field) {
        int dot = field.lastIndexOf('.');
        String last = field.substring(dot + 1);
        return last.startsWith("exactlyOne") ? (dot < 0 ? "body" : field.substring(0, dot)) : field;
    }

    private static String lastNode(String propertyPath) {
        int dot = propertyPath.lastIndexOf('.');
        return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
    }

    /** A short prefix of client input, so a message never echoes a huge value. */
    static String quote(String value) {
        return value.length() <= QUOTE ? value : value.substring(0, QUOTE) + "… (" + value.length() + " characters)";
    }
}
