package io.amphi.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.amphi.delivery.api.Commands.DescribeSession;
import io.amphi.delivery.api.SessionView;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.ExamSession;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.TextAnswer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of sessions on a real store, taken from the session as the command reaching the count
 * left it (also when the count is reached while a restarted service loads the session), not as the
 * store holds it by the time the snapshot is stored; read back, a snapshot is the session.
 */
class LiveSnapshotsIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;
    private static final String SESSION = EXAM + ":cand-001";
    private static final List<String> QUESTIONS = List.of("q1", "q3", "case1.q1", "case1.q3");

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

    @Test
    void aSnapshotIsTheSessionAsTheCommandReachingTheCountLeftIt() {
        try (RunningDelivery delivery = RunningDelivery.start(data, clock, "amphi.delivery.snapshot-every=4")) {
            DeliveryServiceBlockingStub candidate = startedSession(delivery);
            CountDownLatch savesDone = holdSnapshotThread(delivery);
            save(candidate, 1, 9);
            savesDone.countDown();

            awaitSnapshotAt(delivery, 7, "the last snapshot, after events 3 and 7 reached the count");
            SessionView fromSnapshot =
                    delivery.latestSnapshot(SESSION, ExamSession.class).handle(new DescribeSession(SESSION), clock);
            assertThat(fromSnapshot.highestSaveNumber()).isEqualTo(7);
            assertThat(fromSnapshot.answers())
                    .as("the answers of saves 1 to 7, those of 8 and 9 not yet")
                    .allSatisfy(answer -> assertThat(answer.saveNumber()).isLessThanOrEqualTo(7))
                    .extracting(SessionView.SavedAnswer::questionId)
                    .containsExactlyInAnyOrderElementsOf(QUESTIONS);
            assertThat(describe(delivery).highestSaveNumber()).isEqualTo(9);
        }
    }

    @Test
    void aCountReachedWhileLoadingTakesTheSnapshotFromTheSessionOnceTheLoadingCommandIsStored() {
        try (RunningDelivery first = RunningDelivery.start(data, clock, "amphi.delivery.snapshot-every=1000")) {
            save(startedSession(first), 1, 9);
            assertThat(snapshotSequence(first)).as("no snapshot yet").isNull();
        }
        // Loading replays events 0 to 9, reaching the count at events 4 and 9.
        try (RunningDelivery second = RunningDelivery.start(data, clock, "amphi.delivery.snapshot-every=5")) {
            CountDownLatch savesDone = holdSnapshotThread(second);
            DeliveryServiceBlockingStub candidate = second.asCandidate("cand-001");
            save(candidate, 10, 10);
            SessionView afterTheLoadingSave = describe(second);
            save(candidate, 11, 11);
            savesDone.countDown();

            awaitSnapshotAt(
                    second, 10, "the session as the save that loaded it left it, not as the store held it later");
            assertThat(second.latestSnapshot(SESSION, ExamSession.class).handle(new DescribeSession(SESSION), clock))
                    .as("read later, so only its clock differs")
                    .usingRecursiveComparison()
                    .ignoringFields("serverTime", "remaining")
                    .isEqualTo(afterTheLoadingSave);
        }
    }

    /**
     * Keeps the snapshot thread busy until the latch opens: a snapshot replayed from the store
     * would then see every event stored by that time, one taken from the session only those up to
     * the command that took it.
     */
    private static CountDownLatch holdSnapshotThread(RunningDelivery delivery) {
        CountDownLatch release = new CountDownLatch(1);
        delivery.bean("snapshotExecutor", ThreadPoolExecutor.class).execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return release;
    }

    private DeliveryServiceBlockingStub startedSession(RunningDelivery delivery) {
        delivery.openDemoExam(clock, List.of(new Enrolment(EXAM, "cand-001", Duration.ZERO)));
        DeliveryServiceBlockingStub candidate = delivery.asCandidate("cand-001");
        candidate.startSession(StartSessionRequest.newBuilder().setExamId(EXAM).build());
        return candidate;
    }

    /** Saves numbered {@code from} to {@code to}, each its own event after the session's start (event 0). */
    private void save(DeliveryServiceBlockingStub candidate, int from, int to) {
        for (int number = from; number <= to; number++) {
            String question = QUESTIONS.get(number % QUESTIONS.size());
            var answer = io.amphi.proto.delivery.v1.Answer.newBuilder();
            if (question.endsWith("q3")) {
                answer.setText(TextAnswer.newBuilder().setText("answer " + number));
            } else {
                answer.setChoices(ChoiceAnswer.newBuilder().addOptionIds("B"));
            }
            candidate.saveAnswer(SaveAnswerRequest.newBuilder()
                    .setSessionId(SESSION)
                    .setQuestionId(question)
                    .setSaveNumber(number)
                    .setAnswer(answer)
                    .build());
            clock.advance(Duration.ofSeconds(5));
        }
    }

    private SessionView describe(RunningDelivery delivery) {
        return delivery.bean(CommandGateway.class).sendAndWait(new DescribeSession(SESSION));
    }

    private static void awaitSnapshotAt(RunningDelivery delivery, long sequence, String why) {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(snapshotSequence(delivery)).as(why).isEqualTo(sequence));
    }

    private static Long snapshotSequence(RunningDelivery delivery) {
        return delivery.jdbc()
                .query(
                        "SELECT max(sequence_number) FROM snapshot_event_entry WHERE aggregate_identifier = ?",
                        (row, index) -> (Long) row.getObject(1, Long.class),
                        SESSION)
                .getFirst();
    }
}
