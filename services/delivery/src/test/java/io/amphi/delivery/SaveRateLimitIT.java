package io.amphi.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.platform.grpc.ErrorMapping;
import io.amphi.proto.common.v1.ErrorInfo;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.LikertAnswer;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.SaveOutcome;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A runaway client is stopped with RESOURCE_EXHAUSTED and a retry-after; other candidates are not. */
class SaveRateLimitIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;

    @TempDir
    Path data;

    private static SaveAnswerRequest save(String session, long number) {
        return SaveAnswerRequest.newBuilder()
                .setSessionId(session)
                .setQuestionId("q5")
                .setSaveNumber(number)
                .setAnswer(
                        Answer.newBuilder().setLikert(LikertAnswer.newBuilder().setValue(1)))
                .build();
    }

    @Test
    void stopsARunawayClientAndOnlyIt() {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        try (RunningDelivery delivery = RunningDelivery.start(
                data, clock, "amphi.delivery.save-rate.burst=5", "amphi.delivery.save-rate.refill-period=1h")) {
            delivery.openDemoExam(
                    clock,
                    List.of(new Enrolment(EXAM, "runaway", Duration.ZERO), new Enrolment(EXAM, "calm", Duration.ZERO)));
            DeliveryServiceBlockingStub runaway = delivery.asCandidate("runaway");
            DeliveryServiceBlockingStub calm = delivery.asCandidate("calm");
            String runawaySession = runaway.startSession(
                            StartSessionRequest.newBuilder().setExamId(EXAM).build())
                    .getSession()
                    .getSessionId();
            String calmSession = calm.startSession(
                            StartSessionRequest.newBuilder().setExamId(EXAM).build())
                    .getSession()
                    .getSessionId();

            for (int number = 1; number <= 5; number++) {
                assertThat(runaway.saveAnswer(save(runawaySession, number)).getOutcome())
                        .isEqualTo(SaveOutcome.SAVE_OUTCOME_APPLIED);
            }
            StatusRuntimeException refused = catchThrowableOfType(
                    StatusRuntimeException.class, () -> runaway.saveAnswer(save(runawaySession, 6)));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            ErrorInfo info = refused.getTrailers().get(ErrorMapping.ERROR_INFO_KEY);
            assertThat(info.getReason()).isEqualTo("SAVE_RATE_EXCEEDED");
            assertThat(info.getRetryable()).isTrue();
            assertThat(info.getRetryAfter().getSeconds()).isPositive();
            assertThat(delivery.storedEventTypes(runawaySession).stream().filter("AnswerSaved"::equals))
                    .hasSize(5);

            assertThat(calm.saveAnswer(save(calmSession, 1)).getOutcome()).isEqualTo(SaveOutcome.SAVE_OUTCOME_APPLIED);
        }
    }
}
