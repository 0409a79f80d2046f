package io.amphi.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.amphi.platform.cluster.RateLimiter;
import io.amphi.platform.domain.DomainException;
import io.amphi.proto.common.v1.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.CannotCreateTransactionException;

class ErrorMappingTest {

    @Test
    void mapsEachKindOfRefusalToItsStatus() {
        assertThat(ErrorMapping.map(DomainException.invalidAnswer("q1", "bad"))
                        .status()
                        .getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(ErrorMapping.map(DomainException.notFound("X", "m")).status().getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(ErrorMapping.map(DomainException.forbidden("X", "m"))
                        .status()
                        .getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(ErrorMapping.map(DomainException.precondition("X", "m"))
                        .status()
                        .getCode())
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void keepsTheMessageAndDetailsForPeopleAndMachines() {
        ErrorMapping.MappedError error = ErrorMapping.map(
                DomainException.invalidAnswer("q7", "Question q7 takes a value from -2 to +2, not 5."));
        assertThat(error.status().getDescription()).isEqualTo("Question q7 takes a value from -2 to +2, not 5.");
        ErrorInfo info = error.trailers().get(ErrorMapping.ERROR_INFO_KEY);
        assertThat(info.getReason()).isEqualTo("INVALID_ANSWER");
        assertThat(info.getQuestionId()).isEqualTo("q7");
        assertThat(info.getRetryable()).isFalse();
    }

    @Test
    void unwrapsWhatTheCommandBusWrapped() {
        RuntimeException wrapped = new CompletionException(new CommandExecutionException(
                "failed", null, DomainException.precondition("SUBMITTED", "was submitted")));
        assertThat(ErrorMapping.map(wrapped).status().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void aConcurrentAppendIsRetryable() {
        ErrorMapping.MappedError error = ErrorMapping.map(new ConcurrencyException("seq 4 taken"));
        assertThat(error.status().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(error.trailers().get(ErrorMapping.ERROR_INFO_KEY).getRetryable())
                .isTrue();
    }

    @Test
    void aRateLimitSaysWhenToComeBack() {
        ErrorMapping.MappedError error = ErrorMapping.map(new RateLimiter.RateLimitExceeded(
                "SAVE_RATE_EXCEEDED", "slow down", java.time.Duration.ofMillis(1500)));
        assertThat(error.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        ErrorInfo info = error.trailers().get(ErrorMapping.ERROR_INFO_KEY);
        assertThat(info.getRetryable()).isTrue();
        assertThat(info.getRetryAfter().getSeconds()).isEqualTo(1);
        assertThat(info.getRetryAfter().getNanos()).isEqualTo(500_000_000);
    }

    @Test
    void theErrorInfoTravelsInTheDocumentedTrailer() {
        assertThat(ErrorMapping.ERROR_INFO_KEY.name()).isEqualTo("amphi-error-bin");
        Metadata trailers = ErrorMapping.map(DomainException.notFound("UNKNOWN_EXAM", "no exam"))
                .trailers();
        byte[] raw = trailers.get(Metadata.Key.of("amphi-error-bin", Metadata.BINARY_BYTE_MARSHALLER));
        assertThat(raw).as("a client reading only the documented name finds it").isNotNull();
    }

    @Test
    void aMissingIdentityIsUnauthenticatedWithItsReason() {
        ErrorMapping.MappedError error =
                ErrorMapping.map(DomainException.unauthenticated("MISSING_TOKEN", "send a token"));
        assertThat(error.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(error.trailers().get(ErrorMapping.ERROR_INFO_KEY).getReason())
                .isEqualTo("MISSING_TOKEN");
    }

    @Test
    void aStatusMadeElsewhereGetsAnErrorInfoToo() {
        ErrorMapping.MappedError error = ErrorMapping.map(
                Status.DEADLINE_EXCEEDED.withDescription("too slow").asRuntimeException());
        assertThat(error.status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        ErrorInfo info = error.trailers().get(ErrorMapping.ERROR_INFO_KEY);
        assertThat(info.getReason()).isEqualTo("DEADLINE_EXCEEDED");
        assertThat(info.getMessage()).isEqualTo("too slow");
        assertThat(info.getRetryable()).isTrue();
    }

    @Test
    void anUnreachableDatabaseIsUnavailableAndRetryable() {
        RuntimeException noConnection = new CannotCreateTransactionException(
                "Could not open JDBC Connection",
                new SQLTransientConnectionException(
                        "HikariPool-1 - Connection is not available, request timed out after 2000ms."));
        ErrorMapping.MappedError error = ErrorMapping.map(new CompletionException(noConnection));
        assertThat(error.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        ErrorInfo info = error.trailers().get(ErrorMapping.ERROR_INFO_KEY);
        assertThat(info.getReason()).isEqualTo("DATABASE_UNAVAILABLE");
        assertThat(info.getRetryable()).isTrue();
        assertThat(info.getRetryAfter().getSeconds()).isEqualTo(1);
        assertThat(ErrorMapping.map(new IllegalStateException(
                                "append failed",
                                new SQLException("terminating connection due to administrator command", "57P01")))
                        .status()
                        .getCode())
                .isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(ErrorMapping.map(new IllegalStateException(new SQLException("duplicate key", "23505")))
                        .status()
                        .getCode())
                .as("a statement the database refused is not an outage")
                .isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void neverSendsBackAHugeMessageOrAForeignQuestionId() {
        String huge = "q".repeat(100_000);
        ErrorMapping.MappedError error = ErrorMapping.map(DomainException.invalidAnswer(huge, "Bad " + huge));
        assertThat(error.status().getDescription()).hasSizeLessThanOrEqualTo(ErrorMapping.MAX_MESSAGE);
        ErrorInfo info = error.trailers().get(ErrorMapping.ERROR_INFO_KEY);
        assertThat(info.getMessage()).hasSizeLessThanOrEqualTo(ErrorMapping.MAX_MESSAGE);
        assertThat(info.getQuestionId()).as("not an id: left out").isEmpty();
    }

    @Test
    void anUnexpectedFailureLeaksNothingButAnErrorId() {
        ErrorMapping.MappedError error = ErrorMapping.map(new IllegalStateException("password=hunter2 in row 5"));
        assertThat(error.status().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(error.status().getDescription()).doesNotContain("hunter2").contains("error id");
    }
}
