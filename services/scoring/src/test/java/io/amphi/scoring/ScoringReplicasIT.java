package io.amphi.scoring;

import static org.awaitility.Awaitility.await;

import io.amphi.delivery.RunningDelivery;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.CloseExamRequest;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.SubmitSessionRequest;
import io.amphi.proto.scoring.v1.CandidateResult;
import io.amphi.proto.scoring.v1.ExamResults;
import io.amphi.proto.scoring.v1.KeyFeaturesCaseKey;
import io.amphi.proto.scoring.v1.ListResultsRequest;
import io.amphi.proto.scoring.v1.MultipleResponseKey;
import io.amphi.proto.scoring.v1.PublishAnswerKeyRequest;
import io.amphi.proto.scoring.v1.QuestionKey;
import io.amphi.proto.scoring.v1.ScriptConcordanceKey;
import io.amphi.proto.scoring.v1.ShortTextKey;
import io.amphi.proto.scoring.v1.SingleBestAnswerKey;
import io.amphi.scoring.results.ResultsProjection;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two scoring replicas share the results processor's four segments; when one stops, the other
 * takes them all over and the next correction is still scored.
 */
class ScoringReplicasIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;
    private static final String[] QUICK = {
        "--amphi.scoring.balance-interval=500ms",
        "--axon.eventhandling.processors.scoring-results.token-claim-interval=500"
    };

    @TempDir
    Path data;

    private static int segmentsHeld(RunningScoring scoring) {
        return scoring.bean(EventProcessingConfiguration.class)
                .eventProcessor(ResultsProjection.PROCESSOR, StreamingEventProcessor.class)
                .orElseThrow()
                .processingStatus()
                .size();
    }

    @Test
    void replicasShareTheSegmentsAndTakeOverFromOneThatStops() {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        try (RunningDelivery delivery = RunningDelivery.start(data, clock, "amphi.delivery.auto-submit-interval=1h");
                RunningScoring first = RunningScoring.beside(delivery, QUICK)) {
            RunningScoring second = RunningScoring.beside(delivery, QUICK);
            try {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> segmentsHeld(first) == 2 && segmentsHeld(second) == 2);

                delivery.openDemoExam(
                        clock,
                        List.of(
                                new Enrolment(EXAM, "cand-001", Duration.ZERO),
                                new Enrolment(EXAM, "cand-002", Duration.ZERO)));
                for (String candidate : List.of("cand-001", "cand-002")) {
                    DeliveryServiceBlockingStub stub = delivery.asCandidate(candidate);
                    String session = stub.startSession(StartSessionRequest.newBuilder()
                                    .setExamId(EXAM)
                                    .build())
                            .getSession()
                            .getSessionId();
                    stub.saveAnswer(SaveAnswerRequest.newBuilder()
                            .setSessionId(session)
                            .setQuestionId("q1")
                            .setSaveNumber(1)
                            .setAnswer(Answer.newBuilder()
                                    .setChoices(ChoiceAnswer.newBuilder()
                                            .addOptionIds(candidate.equals("cand-001") ? "B" : "C")))
                            .build());
                    stub.submitSession(SubmitSessionRequest.newBuilder()
                            .setSessionId(session)
                            .build());
                }
                clock.advance(Duration.ofHours(1));
                String token = delivery.auth().universityToken("univ-paris", "exams:write", "results:read");
                delivery.withToken(token)
                        .closeExam(CloseExamRequest.newBuilder().setExamId(EXAM).build());
                first.withToken(token).publishAnswerKey(key("B", ""));
                String auditor = delivery.auth().auditorToken("auditor");
                await().atMost(Duration.ofSeconds(30))
                        .ignoreExceptions()
                        .until(
                                () -> totals(second.withToken(auditor)
                                        .listResults(ListResultsRequest.newBuilder()
                                                .setExamId(EXAM)
                                                .build())),
                                totals -> totals.equals(Map.of("cand-001", "1.000", "cand-002", "0.000")));
            } finally {
                second.close();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> segmentsHeld(first) == 4);
            first.withToken(delivery.auth().universityToken("univ-paris", "exams:write", "results:read"))
                    .publishAnswerKey(key("C", "C is the right answer"));
            String auditor = delivery.auth().auditorToken("auditor");
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(
                            () -> first.withToken(auditor)
                                    .listResults(ListResultsRequest.newBuilder()
                                            .setExamId(EXAM)
                                            .build()),
                            results -> results.getKeyVersion() == 2
                                    && totals(results).equals(Map.of("cand-001", "0.000", "cand-002", "1.000")));
        }
    }

    private static Map<String, String> totals(ExamResults results) {
        return results.getResultsList().stream()
                .collect(Collectors.toMap(CandidateResult::getCandidateId, CandidateResult::getTotal));
    }

    private static PublishAnswerKeyRequest key(String q1, String reason) {
        // Only q1 counts: the others are neutralised under rules that remove neutralised questions.
        return PublishAnswerKeyRequest.newBuilder()
                .setExamId(EXAM)
                .setContentVersion(1)
                .setReason(reason)
                .setRuleSet("edn-v1-neutralised-removed")
                .addQuestions(QuestionKey.newBuilder()
                        .setQuestionId("q1")
                        .setSingleBestAnswer(SingleBestAnswerKey.newBuilder().setCorrectOptionId(q1)))
                .addQuestions(QuestionKey.newBuilder()
                        .setQuestionId("q2")
                        .setNeutralisedReason("not scored in this test")
                        .setMultipleResponse(MultipleResponseKey.newBuilder().addCorrectOptionIds("A")))
                .addQuestions(QuestionKey.newBuilder()
                        .setQuestionId("q3")
                        .setNeutralisedReason("not scored in this test")
                        .setShortText(ShortTextKey.newBuilder().addAcceptedAnswers("x")))
                .addQuestions(QuestionKey.newBuilder()
                        .setQuestionId("case1")
                        .setNeutralisedReason("not scored in this test")
                        .setKeyFeaturesCase(KeyFeaturesCaseKey.newBuilder()
                                .addParts(part(
                                        "case1.q1",
                                        QuestionKey.newBuilder()
                                                .setSingleBestAnswer(SingleBestAnswerKey.newBuilder()
                                                        .setCorrectOptionId("A"))))
                                .addParts(part(
                                        "case1.q2",
                                        QuestionKey.newBuilder()
                                                .setMultipleResponse(MultipleResponseKey.newBuilder()
                                                        .addCorrectOptionIds("A"))))
                                .addParts(part(
                                        "case1.q3",
                                        QuestionKey.newBuilder()
                                                .setShortText(ShortTextKey.newBuilder()
                                                        .addAcceptedAnswers("x"))))))
                .addQuestions(QuestionKey.newBuilder()
                        .setQuestionId("q5")
                        .setNeutralisedReason("not scored in this test")
                        .setScriptConcordance(ScriptConcordanceKey.newBuilder().putPanelVotes(0, 1)))
                .addQuestions(QuestionKey.newBuilder()
                        .setQuestionId("q6")
                        .setNeutralisedReason("not scored in this test")
                        .setScriptConcordance(ScriptConcordanceKey.newBuilder().putPanelVotes(0, 1)))
                .build();
    }

    private static KeyFeaturesCaseKey.Part part(String id, QuestionKey.Builder key) {
        return KeyFeaturesCaseKey.Part.newBuilder()
                .setWeight("1")
                .setKey(key.setQuestionId(id))
                .build();
    }
}
