package io.amphi.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** Every gRPC status a service can send has its HTTP status, as services/gateway/README.md lists them. */
class ProblemsTest {

    @Test
    void everyGrpcCodeHasItsHttpStatus() {
        Map<Status.Code, HttpStatus> expected = new EnumMap<>(Status.Code.class);
        expected.put(Status.Code.OK, HttpStatus.INTERNAL_SERVER_ERROR);
        expected.put(Status.Code.CANCELLED, HttpStatus.SERVICE_UNAVAILABLE);
        expected.put(Status.Code.UNKNOWN, HttpStatus.INTERNAL_SERVER_ERROR);
        expected.put(Status.Code.INVALID_ARGUMENT, HttpStatus.BAD_REQUEST);
        expected.put(Status.Code.DEADLINE_EXCEEDED, HttpStatus.GATEWAY_TIMEOUT);
        expected.put(Status.Code.NOT_FOUND, HttpStatus.NOT_FOUND);
        expected.put(Status.Code.ALREADY_EXISTS, HttpStatus.CONFLICT);
        expected.put(Status.Code.PERMISSION_DENIED, HttpStatus.FORBIDDEN);
        expected.put(Status.Code.RESOURCE_EXHAUSTED, HttpStatus.TOO_MANY_REQUESTS);
        expected.put(Status.Code.FAILED_PRECONDITION, HttpStatus.CONFLICT);
        expected.put(Status.Code.ABORTED, HttpStatus.CONFLICT);
        expected.put(Status.Code.OUT_OF_RANGE, HttpStatus.BAD_REQUEST);
        expected.put(Status.Code.UNIMPLEMENTED, HttpStatus.NOT_IMPLEMENTED);
        expected.put(Status.Code.INTERNAL, HttpStatus.INTERNAL_SERVER_ERROR);
        expected.put(Status.Code.UNAVAILABLE, HttpStatus.SERVICE_UNAVAILABLE);
        expected.put(Status.Code.DATA_LOSS, HttpStatus.INTERNAL_SERVER_ERROR);
        expected.put(Status.Code.UNAUTHENTICATED, HttpStatus.UNAUTHORIZED);
        assertThat(expected).hasSize(Status.Code.values().length);
        for (Status.Code code : Status.Code.values()) {
            assertThat(Problems.httpStatus(code)).as(code.name()).isEqualTo(expected.get(code));
        }
    }

    @Test
    void quotesOnlyAShortPrefixOfClientInput() {
        assertThat(Problems.quote("short")).isEqualTo("short");
        assertThat(Problems.quote("x".repeat(1_000))).hasSizeLessThan(60).endsWith("(1000 characters)");
    }
}
