package io.amphi.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.ExamSchedule;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.platform.audit.ChainVerifier;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.MerkleTree;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.grpc.ErrorMapping;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.CloseExamRequest;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.ExamSeal;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.SubmitSessionRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing an exam seals its log, and only a closed, complete, intact log. */
class ExamSealIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;
    private static final List<String> CANDIDATES = List.of("cand-001", "cand-002", "cand-003");

    @TempDir
    Path data;

    @Test
    void sealsAClosedExamWithTheMerkleRootOfItsSessions() {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        // The deadline poller stays out of the way: this test submits sessions itself.
        try (RunningDelivery delivery = RunningDelivery.start(data, clock, "amphi.delivery.auto-submit-interval=1h")) {
            delivery.openDemoExam(
                    clock,
                    CANDIDATES.stream()
                            .map(c -> new Enrolment(EXAM, c, Duration.ZERO))
                            .toList());
            for (String candidate : CANDIDATES) {
                DeliveryServiceBlockingStub stub = delivery.asCandidate(candidate);
                String session = stub.startSession(
                                StartSessionRequest.newBuilder().setExamId(EXAM).build())
                        .getSession()
                        .getSessionId();
                for (int save = 1; save <= 3; save++) {
                    stub.saveAnswer(SaveAnswerRequest.newBuilder()
                            .setSessionId(session)
                            .setQuestionId("q1")
                            .setSaveNumber(save)
                            .setAnswer(Answer.newBuilder()
                                    .setChoices(ChoiceAnswer.newBuilder().addOptionIds(save % 2 == 0 ? "A" : "B")))
                            .build());
                }
                if (!candidate.equals("cand-003")) {
                    stub.submitSession(SubmitSessionRequest.newBuilder()
                            .setSessionId(session)
                            .build());
                }
            }
            DeliveryServiceBlockingStub university =
                    delivery.withToken(delivery.auth().universityToken("univ-paris", "exams:write"));
            CloseExamRequest close =
                    CloseExamRequest.newBuilder().setExamId(EXAM).build();

            assertRefused(Status.Code.FAILED_PRECONDITION, "EXAM_OPEN", () -> university.closeExam(close));
            clock.advance(Duration.ofMinutes(30).plusSeconds(30));
            assertRefused(Status.Code.FAILED_PRECONDITION, "EXAM_OPEN", () -> university.closeExam(close));
            clock.advance(Duration.ofSeconds(90));
            assertRefused(Status.Code.FAILED_PRECONDITION, "SESSIONS_RUNNING", () -> university.closeExam(close));
            delivery.asCandidate("cand-003")
                    .submitSession(SubmitSessionRequest.newBuilder()
                            .setSessionId(EXAM + ":cand-003")
                            .build());

            assertRefused(
                    Status.Code.PERMISSION_DENIED,
                    "WRONG_ROLE",
                    () -> delivery.asProctor("proctor-1").closeExam(close));
            assertRefused(
                    Status.Code.PERMISSION_DENIED,
                    "MISSING_SCOPE",
                    () -> delivery.withToken(delivery.auth().universityToken("univ-reader", "results:read"))
                            .closeExam(close));
            assertRefused(
                    Status.Code.PERMISSION_DENIED,
                    "NOT_YOUR_EXAM",
                    () -> delivery.withToken(
                                    delivery.auth().universityTokenFor("other-exam", "univ-other", "exams:write"))
                            .closeExam(close));
            assertRefused(
                    Status.Code.NOT_FOUND,
                    "UNKNOWN_EXAM",
                    () -> delivery.withToken(
                                    delivery.auth().universityTokenFor("no-such-exam", "univ-ghost", "exams:write"))
                            .closeExam(CloseExamRequest.newBuilder()
                                    .setExamId("no-such-exam")
                                    .build()));

            ExamSeal seal = university.closeExam(close);
            assertThat(seal.getSessionCount()).isEqualTo(3);
            assertThat(seal.getAlreadySealed()).isFalse();
            List<MerkleTree.Leaf> leaves = CANDIDATES.stream()
                    .map(c -> {
                        List<StoredEvent> events = delivery.storedEvents(EXAM + ":" + c);
                        return new MerkleTree.Leaf(
                                EXAM + ":" + c,
                                events.getLast().sequenceNumber(),
                                events.getLast().chainHash());
                    })
                    .toList();
            assertThat(seal.getMerkleRoot()).isEqualTo(EventHashes.hex(MerkleTree.root(leaves)));
            assertThat(delivery.storedEventTypes(EXAM)).containsExactly("ExamSealed");
            assertThat(ChainVerifier.verify(EXAM, delivery.storedEvents(EXAM)).intact())
                    .isTrue();

            assertThatThrownBy(() -> delivery.catalog()
                            .schedule(
                                    EXAM,
                                    new ExamSchedule(
                                            clock.instant(), clock.instant().plus(Duration.ofHours(1)))))
                    .as("a sealed exam cannot be reopened")
                    .isInstanceOf(DomainException.class)
                    .hasMessageContaining("sealed");

            ExamSeal again = university.closeExam(close);
            assertThat(again.getAlreadySealed()).isTrue();
            assertThat(again.getMerkleRoot()).isEqualTo(seal.getMerkleRoot());
            assertThat(delivery.storedEventTypes(EXAM)).hasSize(1);

            delivery.administrator().update("""
                    UPDATE event_store.domain_event_entry SET payload = convert_to(replace(convert_from(payload, 'UTF8'), '"B"', '"C"'), 'UTF8')
                    WHERE aggregate_identifier = ? AND sequence_number = 1""", EXAM + ":cand-002");
            assertRefused(Status.Code.FAILED_PRECONDITION, "LOG_DAMAGED", () -> university.closeExam(close));
        }
    }

    private static void assertRefused(Status.Code code, String reason, Runnable call) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(error).as("refused with " + reason).isNotNull();
        assertThat(error.getStatus().getCode()).isEqualTo(code);
        assertThat(error.getTrailers().get(ErrorMapping.ERROR_INFO_KEY).getReason())
                .as(error.getStatus().getDescription())
                .isEqualTo(reason);
    }
}
