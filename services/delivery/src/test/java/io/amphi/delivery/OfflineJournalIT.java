package io.amphi.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.amphi.delivery.api.Commands.DescribeOfflineJournals;
import io.amphi.delivery.api.Results.JournalDecision;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.ExamSession;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.delivery.offline.OfflineJournalWriter;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.DecideOfflineJournalRequest;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.ListOfflineJournalsRequest;
import io.amphi.proto.delivery.v1.OfflineEntry;
import io.amphi.proto.delivery.v1.OfflineJournal;
import io.amphi.proto.delivery.v1.ResumeSessionRequest;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.SessionState;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.UploadOfflineJournalRequest;
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
 * An offline journal through delivery's gRPC service on a real store: the key given at the start,
 * the session handed in at its deadline, the file uploaded, listed and accepted by a proctor; the
 * accepted answer is the session's from then on, in a snapshot and after a restart.
 */
class OfflineJournalIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;
    private static final String SESSION = EXAM + ":cand-001";

    @TempDir
    Path data;

    @Test
    void anAcceptedJournalCountsAndSurvivesSnapshotsAndARestart() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        String uploadId;
        try (RunningDelivery delivery = RunningDelivery.start(data, clock, "amphi.delivery.snapshot-every=2")) {
            delivery.openDemoExam(clock, List.of(new Enrolment(EXAM, "cand-001", Duration.ZERO)));
            DeliveryServiceBlockingStub candidate = delivery.asCandidate("cand-001");
            SessionState started = candidate
                    .startSession(
                            StartSessionRequest.newBuilder().setExamId(EXAM).build())
                    .getSession();
            byte[] key = started.getOfflineJournalKey().toByteArray();
            assertThat(key).hasSize(32);
            assertThat(candidate
                            .resumeSession(ResumeSessionRequest.newBuilder()
                                    .setSessionId(SESSION)
                                    .build())
                            .getOfflineJournalKey()
                            .toByteArray())
                    .as("the same key on every replica and call")
                    .isEqualTo(key);
            candidate.saveAnswer(SaveAnswerRequest.newBuilder()
                    .setSessionId(SESSION)
                    .setQuestionId("q1")
                    .setSaveNumber(1)
                    .setAnswer(io.amphi.proto.delivery.v1.Answer.newBuilder()
                            .setChoices(ChoiceAnswer.newBuilder().addOptionIds("B")))
                    .build());

            byte[] file = OfflineJournalWriter.file(
                    SESSION,
                    List.of(
                            new OfflineJournalWriter.Entry(
                                    1, "q1", clock.instant().toString(), "{\"choices\":[\"B\"]}"),
                            new OfflineJournalWriter.Entry(
                                    2, "q3", clock.instant().plusSeconds(5).toString(), "{\"text\":\"aspirin\"}")),
                    key);
            DeliveryServiceBlockingStub proctor = delivery.asProctor("proctor-1");
            UploadOfflineJournalRequest upload = UploadOfflineJournalRequest.newBuilder()
                    .setSessionId(SESSION)
                    .setJournalFile(ByteString.copyFrom(file))
                    .build();
            assertThatThrownBy(() -> proctor.uploadOfflineJournal(upload))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION))
                    .hasMessageContaining("not handed in yet");

            clock.advance(Duration.ofHours(2).plus(ExamSession.SAVE_GRACE).plusSeconds(1));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> delivery.storedEventTypes(SESSION).contains("SessionSubmitted"));

            OfflineJournal uploaded = proctor.uploadOfflineJournal(upload);
            uploadId = uploaded.getUploadId();
            assertThat(uploaded.getEntriesList())
                    .extracting(OfflineEntry::getQuestionId, OfflineEntry::getCounts)
                    .containsExactly(tuple("q1", false), tuple("q3", true));
            assertThat(candidate
                            .resumeSession(ResumeSessionRequest.newBuilder()
                                    .setSessionId(SESSION)
                                    .build())
                            .getAnswersList())
                    .as("nothing counts before a proctor accepts")
                    .hasSize(1);
            assertThat(proctor.listOfflineJournals(ListOfflineJournalsRequest.newBuilder()
                                    .setSessionId(SESSION)
                                    .build())
                            .getJournalsList())
                    .extracting(OfflineJournal::getUploadId)
                    .containsExactly(uploadId);

            OfflineJournal accepted = proctor.decideOfflineJournal(DecideOfflineJournalRequest.newBuilder()
                    .setSessionId(SESSION)
                    .setUploadId(uploadId)
                    .setAccept(true)
                    .setReason("network down at the end")
                    .build());
            assertThat(accepted.getDecidedBy()).isEqualTo("proctor-1");
            assertThat(delivery.storedEventTypes(SESSION))
                    .containsSubsequence("SessionSubmitted", "OfflineAnswersUploaded", "OfflineAnswersAccepted");
            SessionState after = candidate.resumeSession(
                    ResumeSessionRequest.newBuilder().setSessionId(SESSION).build());
            assertThat(after.getAnswersList())
                    .anySatisfy(
                            a -> assertThat(a.getAnswer().getText().getText()).isEqualTo("aspirin"));
            assertThat(after.getReceipt().getLastSequence())
                    .as("the receipt covers the log as it stands")
                    .isEqualTo(4);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                ExamSession snapshot = delivery.latestSnapshot(SESSION, ExamSession.class);
                assertThat(snapshot.handle(new DescribeOfflineJournals(SESSION)))
                        .singleElement()
                        .satisfies(journal -> {
                            assertThat(journal.decision()).isEqualTo(JournalDecision.ACCEPTED);
                            assertThat(journal.applicable())
                                    .extracting(a -> a.questionId())
                                    .containsExactly("q3");
                        });
            });
        }

        try (RunningDelivery restarted = RunningDelivery.start(data, clock)) {
            OfflineJournal again = restarted
                    .asProctor("proctor-2")
                    .listOfflineJournals(ListOfflineJournalsRequest.newBuilder()
                            .setSessionId(SESSION)
                            .build())
                    .getJournals(0);
            assertThat(again.getUploadId()).isEqualTo(uploadId);
            assertThat(again.getDecidedBy()).isEqualTo("proctor-1");
            assertThat(restarted
                            .asCandidate("cand-001")
                            .resumeSession(ResumeSessionRequest.newBuilder()
                                    .setSessionId(SESSION)
                                    .build())
                            .getHighestSaveNumber())
                    .isEqualTo(2);
        }
    }
}
