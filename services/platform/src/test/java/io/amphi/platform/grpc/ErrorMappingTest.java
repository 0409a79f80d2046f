package io.amphi.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.amphi.platform.cluster.RateLimiter;
import io.amphi.platform.domain.DomainException;
import io.amphi.proto.common.v1.ErrorInfo;
import io.grpc.Status;
import java.util.concurrent.CompletionException;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;

class ErrorMappingTest {

    @Test
    void mapsEachKindOfRefusalToItsStatus() {
        assertThat(ErrorMapping.map(DomainException.invalidAnswer("q1", "bad")).status().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(ErrorMapping.map(DomainException.notFound("X", "m")).status().getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(ErrorMapping.map(DomainException.forbidden("X", "m")).status().getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(ErrorMapping.map(DomainException.precondition("X", "m")).status().getCode())
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void keepsTheMessageAndDetailsForPeopleAndMachines() {
        ErrorMapping.MappedError error = ErrorMapping.map(DomainException.invalidAnswer("q7", "Question q7 takes a value from -2 to +2, not 5."));
        assertThat(error.status().getDescription()).isEqualTo("Question q7 takes a value from -2 to +2, not 5.");
        ErrorInfo info = error.trailers().get(ErrorMapping.ERROR_INFO_KEY);
        assertThat(info.getReason()).isEqualTo("INVALID_ANSWER");
        assertThat(info.getQuestionId()).isEqualTo("q7");
        assertThat(info.getRetryable()).isFalse();
    }

    @Test
    void unwrapsWhatTheCommandBusWrapped() {
        RuntimeException wrapped = new CompletionException(new CommandExecutionException("failed", null,
                DomainException.precondition("SUBMITTED", "was submitted")));
        assertThat(ErrorMapping.map(wrapped).status().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void aConcurrentAppendIsRetryable() {
        ErrorMapping.MappedError error = ErrorMapping.map(new ConcurrencyException("seq 4 taken"));
        assertThat(error.status().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(error.trailers().get(ErrorMapping.ERROR_INFO_KEY).getRetryable()).isTrue();
    }

    @Test
    void aRateLimitSaysWhenToComeBack() {
        ErrorMapping.MappedError error = ErrorMapping.map(new RateLimiter.RateLimitExceeded("SAVE_RATE_EXCEEDED",
                "slow down", java.time.Duration.ofMillis(1500)));
        assertThat(error.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        ErrorInfo info = error.trailers().get(ErrorMapping.ERROR_INFO_KEY);
        assertThat(info.getRetryable()).isTrue();
        assertThat(info.getRetryAfter().getSeconds()).isEqualTo(1);
        assertThat(info.getRetryAfter().getNanos()).isEqualTo(500_000_000);
    }

    @Test
    void anUnexpectedFailureLeaksNothingButAnErrorId() {
        ErrorMapping.MappedError error = ErrorMapping.map(new IllegalStateException("password=hunter2 in row 5"));
        assertThat(error.status().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(error.status().getDescription()).doesNotContain("hunter2").contains("error id");
    }
}
