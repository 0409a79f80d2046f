package io.amphi.gateway.rest;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A refusal the gateway makes itself, before any service is called (a CSV with bad rows, a
 * parameter out of range). Answered as problem+json like the services' refusals.
 *
 * @param problems each problem found, e.g. one per bad row; empty when the message says it all
 */
public final class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String reason;
    private final List<Map<String, Object>> problems;

    public ApiException(HttpStatus status, String reason, String message, List<Map<String, Object>> problems) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
        this.problems = List.copyOf(problems);
    }

    public static ApiException invalid(String reason, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, reason, message, List.of());
    }

    public HttpStatus status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public List<Map<String, Object>> problems() {
        return problems;
    }
}
