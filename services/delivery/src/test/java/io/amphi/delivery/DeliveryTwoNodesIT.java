package io.amphi.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.LikertAnswer;
import io.amphi.proto.delivery.v1.ResumeSessionRequest;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.SaveOutcome;
import io.amphi.proto.delivery.v1.SessionState;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.platform.v1.PlatformStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas on one database, a candidate's calls landing on either: each replica caches the
 * session, so the other one's writes make its copy stale. Appends on a stale copy are refused
 * (ABORTED, retryable) and succeed when sent again; what a client resumes from is always the
 * stored state. No acknowledged save is lost.
 */
class DeliveryTwoNodesIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;
    private static final String SESSION = "demo-cardiology:cand-001";
    private static final List<String> LIKERT_QUESTIONS = List.of("q5", "q6");

    @TempDir
    Path dataA;

    @TempDir
    Path unusedDataB;

    @Test
    void replicasNeverLoseOrHideAnAcknowledgedSave() {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        // Conflicting attempts count against the save allowance too; this test is about replicas.
        String generousLimit = "amphi.delivery.save-rate.burst=1000";
        try (RunningDelivery a = RunningDelivery.start(dataA, clock, generousLimit);
                RunningDelivery b = RunningDelivery.startBeside(
                        a,
                        unusedDataB,
                        generousLimit,
                        "spring.datasource.url="
                                + a.bean(HikariDataSource.class).getJdbcUrl())) {
            PlatformStatus status = b.status();
            assertThat(status.getClusterMembers())
                    .as("the auth service and both replicas")
                    .isEqualTo(3);
            assertThat(status.getDatabaseReachable()).isTrue();

            a.openDemoExam(clock, List.of(new Enrolment(EXAM, "cand-001", Duration.ZERO)));
            DeliveryServiceBlockingStub onA = a.asCandidate("cand-001");
            DeliveryServiceBlockingStub onB = b.asCandidate("cand-001");
            onA.startSession(StartSessionRequest.newBuilder().setExamId(EXAM).build());
            onB.resumeSession(resume());

            int conflicts = 0;
            for (int number = 1; number <= 40; number++) {
                DeliveryServiceBlockingStub node = number % 2 == 0 ? onA : onB;
                conflicts += saveRetryingConflicts(node, number);
            }
            assertThat(conflicts)
                    .as("the replicas' caches went stale and were caught")
                    .isPositive();

            assertThat(a.storedEventTypes(SESSION).stream()
                            .filter("AnswerSaved"::equals)
                            .count())
                    .isEqualTo(40);
            for (DeliveryServiceBlockingStub node : List.of(onA, onB)) {
                SessionState state = node.resumeSession(resume());
                assertThat(state.getHighestSaveNumber()).isEqualTo(40);
                assertThat(state.getAnswersList())
                        .hasSize(2)
                        .allSatisfy(saved -> assertThat(saved.getSaveNumber()).isGreaterThanOrEqualTo(39));
            }

            saveRetryingConflicts(onA, 41);
            assertThat(onB.resumeSession(resume()).getHighestSaveNumber())
                    .as("a resume on the replica that did not see save 41 still reports it")
                    .isEqualTo(41);
        }
    }

    private static ResumeSessionRequest resume() {
        return ResumeSessionRequest.newBuilder().setSessionId(SESSION).build();
    }

    /** Saves, sending again on ABORTED as a client should; returns how many conflicts it met. */
    private static int saveRetryingConflicts(DeliveryServiceBlockingStub node, int number) {
        SaveAnswerRequest save = SaveAnswerRequest.newBuilder()
                .setSessionId(SESSION)
                .setQuestionId(LIKERT_QUESTIONS.get(number % 2))
                .setSaveNumber(number)
                .setAnswer(
                        Answer.newBuilder().setLikert(LikertAnswer.newBuilder().setValue(number % 5 - 2)))
                .build();
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                assertThat(node.saveAnswer(save).getOutcome()).isEqualTo(SaveOutcome.SAVE_OUTCOME_APPLIED);
                return attempt;
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
            }
        }
        throw new AssertionError("save " + number + " still conflicting after 5 attempts");
    }
}
