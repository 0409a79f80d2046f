package io.amphi.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.amphi.delivery.api.SessionView;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.ExamSession;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.FlagQuestionRequest;
import io.amphi.proto.delivery.v1.LikertAnswer;
import io.amphi.proto.delivery.v1.ResumeSessionRequest;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.SaveOutcome;
import io.amphi.proto.delivery.v1.SavedAnswer;
import io.amphi.proto.delivery.v1.SessionState;
import io.amphi.proto.delivery.v1.SessionStatus;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.SubmissionCause;
import io.amphi.proto.delivery.v1.TextAnswer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stops the service and starts it again on the same database: every acknowledged answer is still
 * there, the remaining time is right, and a deadline that passed while it was down has submitted
 * its session, recorded as handed in at that deadline. A snapshot of another shape than the
 * session's (one the release before wrote) is passed over.
 */
class DeliveryRestartIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;

    @TempDir
    Path data;

    @Test
    void keepsEveryAcknowledgedAnswerAndHonoursDeadlinesMissedWhileDown() {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        String patient = "demo-cardiology:cand-001";
        String hurried = "demo-cardiology:cand-002";
        Map<String, Answer> acknowledged = new LinkedHashMap<>();
        Instant patientDeadline;
        Instant hurriedDeadline;

        // Snapshots every few events, so the second run also loads sessions from snapshots.
        try (RunningDelivery first = RunningDelivery.start(data, clock, "amphi.delivery.snapshot-every=4")) {
            first.openDemoExam(
                    clock,
                    List.of(
                            new Enrolment(EXAM, "cand-001", Duration.ofHours(1)),
                            new Enrolment(EXAM, "cand-002", Duration.ZERO)));
            DeliveryServiceBlockingStub candidate = first.asCandidate("cand-001");
            var deadline = candidate
                    .startSession(
                            StartSessionRequest.newBuilder().setExamId(EXAM).build())
                    .getSession()
                    .getDeadline();
            patientDeadline = Instant.ofEpochSecond(deadline.getSeconds(), deadline.getNanos());
            var hurriedStart = first.asCandidate("cand-002")
                    .startSession(
                            StartSessionRequest.newBuilder().setExamId(EXAM).build());
            hurriedDeadline = Instant.ofEpochSecond(
                    hurriedStart.getSession().getDeadline().getSeconds(),
                    hurriedStart.getSession().getDeadline().getNanos());

            List<String> questions = List.of("q1", "case1.q1", "q2", "q1", "q3", "case1.q3", "q5", "q6", "q1", "q5");
            for (int i = 0; i < questions.size(); i++) {
                String question = questions.get(i);
                Answer answer = answerFor(question, i);
                var ack = candidate.saveAnswer(SaveAnswerRequest.newBuilder()
                        .setSessionId(patient)
                        .setQuestionId(question)
                        .setSaveNumber(i + 1)
                        .setAnswer(answer)
                        .build());
                assertThat(ack.getOutcome()).isEqualTo(SaveOutcome.SAVE_OUTCOME_APPLIED);
                acknowledged.put(question, answer);
                clock.advance(Duration.ofSeconds(20));
            }
            candidate.flagQuestion(FlagQuestionRequest.newBuilder()
                    .setSessionId(patient)
                    .setQuestionId("q6")
                    .setFlagged(true)
                    .build());
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(first.jdbc()
                                    .queryForObject(
                                            "SELECT count(*) FROM snapshot_event_entry WHERE aggregate_identifier = ?",
                                            Long.class,
                                            patient))
                            .isPositive());
        }

        // Down for two hours and a minute: cand-002's two hours ran out meanwhile, cand-001 has an hour more.
        clock.advance(Duration.ofHours(2).plusMinutes(1));

        try (RunningDelivery second = RunningDelivery.start(data, clock)) {
            SessionState resumed = second.asCandidate("cand-001")
                    .resumeSession(ResumeSessionRequest.newBuilder()
                            .setSessionId(patient)
                            .build());
            Map<String, Answer> stored = new LinkedHashMap<>();
            resumed.getAnswersList().forEach(a -> stored.put(a.getQuestionId(), a.getAnswer()));
            assertThat(stored).containsExactlyInAnyOrderEntriesOf(acknowledged);
            assertThat(resumed.getAnswersList())
                    .extracting(SavedAnswer::getQuestionId)
                    .containsExactlyInAnyOrderElementsOf(acknowledged.keySet());
            assertThat(resumed.getHighestSaveNumber()).isEqualTo(10);
            assertThat(resumed.getFlaggedQuestionIdsList()).containsExactly("q6");
            assertThat(resumed.getStatus()).isEqualTo(SessionStatus.SESSION_STATUS_ACTIVE);
            assertThat(Duration.ofSeconds(
                            resumed.getRemaining().getSeconds(),
                            resumed.getRemaining().getNanos()))
                    .isEqualTo(Duration.between(clock.instant(), patientDeadline))
                    .isEqualTo(Duration.ofHours(1).minusMinutes(1).minusSeconds(10 * 20));

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                SessionState late = second.asCandidate("cand-002")
                        .resumeSession(ResumeSessionRequest.newBuilder()
                                .setSessionId(hurried)
                                .build());
                assertThat(late.getStatus()).isEqualTo(SessionStatus.SESSION_STATUS_SUBMITTED);
                assertThat(late.getSubmissionCause()).isEqualTo(SubmissionCause.SUBMISSION_CAUSE_DEADLINE);
                assertThat(Instant.ofEpochSecond(
                                late.getSubmittedAt().getSeconds(),
                                late.getSubmittedAt().getNanos()))
                        .as("handed in at its deadline, not when the service came back")
                        .isEqualTo(hurriedDeadline);
            });
            String submitted = second.jdbc()
                    .queryForObject(
                            "SELECT convert_from(payload, 'UTF8') FROM event_store.domain_event_entry "
                                    + "WHERE aggregate_identifier = ? AND payload_type LIKE '%SessionSubmitted'",
                            String.class, hurried);
            assertThat(submitted)
                    .contains("\"submittedAt\":\"" + hurriedDeadline + "\"")
                    .as("and when the server recorded it")
                    .contains("\"processedAt\":\"2");
            assertThat(second.storedEventTypes(patient)).doesNotContain("SessionSubmitted");

            SessionView fromSnapshot =
                    second.latestSnapshot(patient, ExamSession.class).describe(clock.instant());
            assertThat(fromSnapshot.deadline()).isEqualTo(patientDeadline);
            assertThat(fromSnapshot.highestSaveNumber()).isGreaterThanOrEqualTo(4);
            assertThat(fromSnapshot.answers())
                    .isNotEmpty()
                    .allSatisfy(a -> assertThat(acknowledged).containsKey(a.questionId()));

            // The release before wrote snapshots of another shape: make the stored ones look like
            // that, with a deadline the events never gave, and they must be passed over.
            assertThat(second.jdbc()
                            .queryForList(
                                    "SELECT DISTINCT type || ' ' || payload_revision FROM snapshot_event_entry "
                                            + "WHERE aggregate_identifier = ?",
                                    String.class,
                                    patient))
                    .containsExactly("ExamSession " + ExamSession.SNAPSHOT_REVISION);
            String storedDeadline = "\"deadline\":\"" + patientDeadline + "\"";
            String wrongDeadline = "\"deadline\":\"" + patientDeadline.minus(Duration.ofHours(5)) + "\"";
            int reshaped = second.jdbc()
                    .update(
                            "UPDATE snapshot_event_entry SET payload_revision = '1', "
                                    + "payload = convert_to(replace(convert_from(payload, 'UTF8'), ?, ?), 'UTF8') "
                                    + "WHERE aggregate_identifier = ? AND position(? in convert_from(payload, 'UTF8')) > 0",
                            storedDeadline,
                            wrongDeadline,
                            patient,
                            storedDeadline);
            assertThat(reshaped).isPositive();
        }

        try (RunningDelivery third = RunningDelivery.start(data, clock)) {
            SessionState resumed = third.asCandidate("cand-001")
                    .resumeSession(ResumeSessionRequest.newBuilder()
                            .setSessionId(patient)
                            .build());
            assertThat(Instant.ofEpochSecond(
                            resumed.getDeadline().getSeconds(),
                            resumed.getDeadline().getNanos()))
                    .as("replayed from its events, not read from a snapshot of another shape")
                    .isEqualTo(patientDeadline);
            assertThat(resumed.getHighestSaveNumber()).isEqualTo(10);
        }
    }

    private static Answer answerFor(String question, int i) {
        return switch (question) {
            case "q3", "case1.q3" ->
                Answer.newBuilder()
                        .setText(TextAnswer.newBuilder().setText("answer " + i))
                        .build();
            case "q5", "q6" ->
                Answer.newBuilder()
                        .setLikert(LikertAnswer.newBuilder().setValue(i % 5 - 2))
                        .build();
            case "q2" ->
                Answer.newBuilder()
                        .setChoices(ChoiceAnswer.newBuilder().addOptionIds("A").addOptionIds("D"))
                        .build();
            default ->
                Answer.newBuilder()
                        .setChoices(ChoiceAnswer.newBuilder()
                                .addOptionIds(List.of("A", "B", "C").get(i % 3)))
                        .build();
        };
    }
}
