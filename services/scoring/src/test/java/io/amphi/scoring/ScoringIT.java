package io.amphi.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.amphi.delivery.RunningDelivery;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.grpc.ErrorMapping;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.CloseExamRequest;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.LikertAnswer;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.SubmitSessionRequest;
import io.amphi.proto.delivery.v1.TextAnswer;
import io.amphi.proto.scoring.v1.CandidateResult;
import io.amphi.proto.scoring.v1.ExamResults;
import io.amphi.proto.scoring.v1.ExamStatistics;
import io.amphi.proto.scoring.v1.GetExamStatisticsRequest;
import io.amphi.proto.scoring.v1.GetMyResultRequest;
import io.amphi.proto.scoring.v1.GetRescoreReportRequest;
import io.amphi.proto.scoring.v1.GetSessionResultRequest;
import io.amphi.proto.scoring.v1.KeyFeaturesCaseKey;
import io.amphi.proto.scoring.v1.ListResultsRequest;
import io.amphi.proto.scoring.v1.MultipleResponseKey;
import io.amphi.proto.scoring.v1.PublishAnswerKeyRequest;
import io.amphi.proto.scoring.v1.PublishResultsRequest;
import io.amphi.proto.scoring.v1.QuestionKey;
import io.amphi.proto.scoring.v1.RescoreReport;
import io.amphi.proto.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import io.amphi.proto.scoring.v1.ScriptConcordanceKey;
import io.amphi.proto.scoring.v1.SessionResult;
import io.amphi.proto.scoring.v1.ShortTextKey;
import io.amphi.proto.scoring.v1.SingleBestAnswerKey;
import io.amphi.scoring.results.ResultsProjection;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Scoring end to end on real services: five candidates sit the demo exam through delivery, the
 * exam is closed and sealed, a key is published and every session scored; a correction re-scores
 * them with a report of what changed; results are published; a rebuild gives identical results.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScoringIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;

    @TempDir
    static Path data;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private RunningDelivery delivery;
    private RunningScoring scoring;
    private ScoringServiceBlockingStub university;
    private ScoringServiceBlockingStub auditor;

    /** Each candidate's answers: question id to answer. */
    private static final Map<String, Map<String, Answer>> SHEETS = new LinkedHashMap<>();

    static {
        SHEETS.put("cand-001", sheet("B", "A B C", "Adrénaline", "A", "A C", "héparine", 1, -2));
        SHEETS.put("cand-002", sheet("C", "A B", "epinephrine ", "A", "A", "hnf", -2, -1));
        SHEETS.put("cand-003", sheet("B", "B C", "adrenaline", "B", "A C", "heparine", 0, 0));
        SHEETS.put("cand-004", sheet("B", "B C", "adrenaline", "B", "A C", "heparine", 0, 0));
        Map<String, Answer> sparse = new LinkedHashMap<>();
        sparse.put("q1", choices("B"));
        sparse.put("q2", choices("A B C E"));
        SHEETS.put("cand-005", sparse);
    }

    private static Map<String, Answer> sheet(
            String q1, String q2, String q3, String c1, String c2, String c3, int q5, int q6) {
        Map<String, Answer> sheet = new LinkedHashMap<>();
        sheet.put("q1", choices(q1));
        sheet.put("q2", choices(q2));
        sheet.put(
                "q3",
                Answer.newBuilder().setText(TextAnswer.newBuilder().setText(q3)).build());
        sheet.put("case1.q1", choices(c1));
        sheet.put("case1.q2", choices(c2));
        sheet.put(
                "case1.q3",
                Answer.newBuilder().setText(TextAnswer.newBuilder().setText(c3)).build());
        sheet.put(
                "q5",
                Answer.newBuilder()
                        .setLikert(LikertAnswer.newBuilder().setValue(q5))
                        .build());
        sheet.put(
                "q6",
                Answer.newBuilder()
                        .setLikert(LikertAnswer.newBuilder().setValue(q6))
                        .build());
        return sheet;
    }

    private static Answer choices(String options) {
        return Answer.newBuilder()
                .setChoices(ChoiceAnswer.newBuilder().addAllOptionIds(List.of(options.split(" "))))
                .build();
    }

    @BeforeAll
    void sitTheExam() {
        delivery = RunningDelivery.start(data, clock, "amphi.delivery.auto-submit-interval=1h");
        scoring = RunningScoring.beside(delivery);
        delivery.openDemoExam(
                clock,
                SHEETS.keySet().stream()
                        .map(c -> new Enrolment(EXAM, c, Duration.ZERO))
                        .toList());
        SHEETS.forEach((candidate, sheet) -> {
            DeliveryServiceBlockingStub stub = delivery.asCandidate(candidate);
            String session = stub.startSession(
                            StartSessionRequest.newBuilder().setExamId(EXAM).build())
                    .getSession()
                    .getSessionId();
            long save = 0;
            for (Map.Entry<String, Answer> answer : sheet.entrySet()) {
                stub.saveAnswer(SaveAnswerRequest.newBuilder()
                        .setSessionId(session)
                        .setQuestionId(answer.getKey())
                        .setSaveNumber(++save)
                        .setAnswer(answer.getValue())
                        .build());
            }
            stub.submitSession(
                    SubmitSessionRequest.newBuilder().setSessionId(session).build());
        });
        university = scoring.withToken(delivery.auth().universityToken("univ-paris", "exams:write", "results:read"));
        auditor = scoring.withToken(delivery.auth().auditorToken("auditor-cour-des-comptes"));
    }

    @AfterAll
    void stop() {
        scoring.close();
        delivery.close();
    }

    private static QuestionKey single(String id, String option) {
        return QuestionKey.newBuilder()
                .setQuestionId(id)
                .setSingleBestAnswer(SingleBestAnswerKey.newBuilder().setCorrectOptionId(option))
                .build();
    }

    private static QuestionKey multiple(
            String id, List<String> correct, List<String> indispensable, List<String> unacceptable) {
        return QuestionKey.newBuilder()
                .setQuestionId(id)
                .setMultipleResponse(MultipleResponseKey.newBuilder()
                        .addAllCorrectOptionIds(correct)
                        .addAllIndispensableOptionIds(indispensable)
                        .addAllUnacceptableOptionIds(unacceptable))
                .build();
    }

    private static QuestionKey text(String id, String... accepted) {
        return QuestionKey.newBuilder()
                .setQuestionId(id)
                .setShortText(ShortTextKey.newBuilder().addAllAcceptedAnswers(List.of(accepted)))
                .build();
    }

    private static QuestionKey concordance(String id, Map<Integer, Integer> votes) {
        return QuestionKey.newBuilder()
                .setQuestionId(id)
                .setScriptConcordance(ScriptConcordanceKey.newBuilder().putAllPanelVotes(votes))
                .build();
    }

    private static PublishAnswerKeyRequest.Builder key(QuestionKey q1, QuestionKey q2) {
        return PublishAnswerKeyRequest.newBuilder()
                .setExamId(EXAM)
                .setContentVersion(1)
                .addQuestions(q1)
                .addQuestions(q2)
                .addQuestions(text("q3", "adrénaline", "epinephrine"))
                .addQuestions(QuestionKey.newBuilder()
                        .setQuestionId("case1")
                        .setKeyFeaturesCase(KeyFeaturesCaseKey.newBuilder()
                                .addParts(KeyFeaturesCaseKey.Part.newBuilder()
                                        .setWeight("1")
                                        .setKey(single("case1.q1", "A")))
                                .addParts(KeyFeaturesCaseKey.Part.newBuilder()
                                        .setWeight("1")
                                        .setKey(multiple("case1.q2", List.of("A", "C"), List.of(), List.of())))
                                .addParts(KeyFeaturesCaseKey.Part.newBuilder()
                                        .setWeight("2")
                                        .setKey(text("case1.q3", "héparine", "HNF")))))
                .addQuestions(concordance("q5", Map.of(1, 8, 2, 4, 0, 2)))
                .addQuestions(concordance("q6", Map.of(-2, 6, -1, 4, 0, 1)));
    }

    private static PublishAnswerKeyRequest firstKey() {
        return key(single("q1", "B"), multiple("q2", List.of("A", "B", "C"), List.of("A"), List.of("E")))
                .build();
    }

    private static PublishAnswerKeyRequest correction() {
        return key(
                        single("q1", "B").toBuilder()
                                .setNeutralisedReason("B and C are both right")
                                .build(),
                        multiple("q2", List.of("B", "C"), List.of(), List.of("E")))
                .setReason("q1 had two right answers; A is not a right answer to q2")
                .build();
    }

    private static Map<String, String> totals(ExamResults results) {
        Map<String, String> totals = new LinkedHashMap<>();
        results.getResultsList().forEach(r -> totals.put(r.getCandidateId(), r.getTotal() + " #" + r.getRank()));
        return totals;
    }

    private ExamResults awaitResults(int keyVersion) {
        return await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(
                        () -> auditor.listResults(
                                ListResultsRequest.newBuilder().setExamId(EXAM).build()),
                        r -> r.getKeyVersion() == keyVersion && r.getTotalCandidates() == 5);
    }

    private static ErrorReason refused(Status.Code code, Supplier<?> call) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call::get);
        assertThat(error).as("refused").isNotNull();
        assertThat(error.getStatus().getCode())
                .as(error.getStatus().getDescription())
                .isEqualTo(code);
        var info = error.getTrailers() == null ? null : error.getTrailers().get(ErrorMapping.ERROR_INFO_KEY);
        return new ErrorReason(
                info == null ? null : info.getReason(), error.getStatus().getDescription());
    }

    record ErrorReason(String reason, String message) {}

    @Test
    @Order(1)
    void keysComeOnlyAfterTheExamIsClosedAndSealed() {
        assertThat(refused(Status.Code.FAILED_PRECONDITION, () -> university.publishAnswerKey(firstKey()))
                        .reason())
                .isEqualTo("EXAM_NOT_CLOSED");
        clock.advance(Duration.ofMinutes(32));
        delivery.withToken(delivery.auth().universityToken("univ-paris", "exams:write", "results:read"))
                .closeExam(CloseExamRequest.newBuilder().setExamId(EXAM).build());
    }

    @Test
    @Order(2)
    void refusesKeysThatDoNotFitAndCallersWhoMayNot() {
        PublishAnswerKeyRequest missingQ6 =
                firstKey().toBuilder().removeQuestions(5).build();
        ErrorReason notFitting = refused(Status.Code.INVALID_ARGUMENT, () -> university.publishAnswerKey(missingQ6));
        assertThat(notFitting.message()).contains("question q6 has no key");
        PublishAnswerKeyRequest wrongOption = key(single("q1", "Z"), multiple("q2", List.of("A"), List.of(), List.of()))
                .build();
        assertThat(refused(Status.Code.INVALID_ARGUMENT, () -> university.publishAnswerKey(wrongOption))
                        .message())
                .contains("question q1 has no option Z");
        PublishAnswerKeyRequest badWeight = firstKey().toBuilder()
                .setQuestions(
                        3,
                        firstKey().getQuestions(3).toBuilder()
                                .setKeyFeaturesCase(firstKey().getQuestions(3).getKeyFeaturesCase().toBuilder()
                                        .setParts(
                                                0,
                                                firstKey().getQuestions(3).getKeyFeaturesCase().getParts(0).toBuilder()
                                                        .setWeight("one"))))
                .build();
        refused(Status.Code.INVALID_ARGUMENT, () -> university.publishAnswerKey(badWeight));
        refused(
                Status.Code.INVALID_ARGUMENT,
                () -> university.publishAnswerKey(
                        firstKey().toBuilder().setRuleSet("mine").build()));

        ScoringServiceBlockingStub reader =
                scoring.withToken(delivery.auth().universityToken("univ-reader", "results:read"));
        assertThat(refused(Status.Code.PERMISSION_DENIED, () -> reader.publishAnswerKey(firstKey()))
                        .reason())
                .isEqualTo("MISSING_SCOPE");
        assertThat(refused(Status.Code.PERMISSION_DENIED, () -> auditor.publishAnswerKey(firstKey()))
                        .reason())
                .isEqualTo("WRONG_ROLE");
        ScoringServiceBlockingStub otherUniversity = scoring.withToken(
                delivery.auth().universityTokenFor("other-exam", "univ-lyon", "exams:write", "results:read"));
        assertThat(refused(Status.Code.PERMISSION_DENIED, () -> otherUniversity.publishAnswerKey(firstKey()))
                        .reason())
                .isEqualTo("NOT_YOUR_EXAM");
        assertThat(refused(
                                Status.Code.PERMISSION_DENIED,
                                () -> otherUniversity.getExamStatistics(GetExamStatisticsRequest.newBuilder()
                                        .setExamId(EXAM)
                                        .build()))
                        .reason())
                .isEqualTo("NOT_YOUR_EXAM");
        ScoringServiceBlockingStub candidate = scoring.withToken(delivery.auth().candidateToken(EXAM, "cand-001"));
        refused(Status.Code.PERMISSION_DENIED, () -> candidate.publishAnswerKey(firstKey()));
        refused(
                Status.Code.UNAUTHENTICATED,
                () -> scoring.withToken("not-a-token").publishAnswerKey(firstKey()));
        assertThat(refused(
                                Status.Code.NOT_FOUND,
                                () -> auditor.listResults(ListResultsRequest.newBuilder()
                                        .setExamId(EXAM)
                                        .build()))
                        .reason())
                .isEqualTo("NO_ANSWER_KEY");
    }

    @Test
    @Order(3)
    void scoresEverySessionUnderTheKeyWithTiesSharingARank() {
        assertThat(university.publishAnswerKey(firstKey()).getKeyVersion()).isEqualTo(1);
        ExamResults results = awaitResults(1);
        assertThat(totals(results))
                .containsExactly(
                        Map.entry("cand-001", "9.000 #1"),
                        Map.entry("cand-002", "5.667 #2"),
                        Map.entry("cand-003", "5.417 #3"),
                        Map.entry("cand-004", "5.417 #3"),
                        Map.entry("cand-005", "1.000 #5"));
        assertThat(results.getResultsList())
                .extracting(CandidateResult::getPercentile)
                .containsExactly(100.0, 80.0, 60.0, 60.0, 20.0);
        assertThat(results.getPublished()).isFalse();

        SessionResult second = auditor.getSessionResult(GetSessionResultRequest.newBuilder()
                .setSessionId(EXAM + ":cand-002")
                .build());
        assertThat(second.getQuestionsList())
                .extracting(q -> q.getQuestionId() + "=" + q.getPoints() + "/" + q.getMaxPoints())
                .containsExactly(
                        "q1=0.000/1.000",
                        "q2=0.500/1.000",
                        "q3=1.000/1.000",
                        "case1=3.500/4.000",
                        "q5=0.000/1.000",
                        "q6=0.667/1.000");
        assertThat(second.getProvenance().getKeyVersion()).isEqualTo(1);
        assertThat(second.getProvenance().getRuleSet()).isEqualTo("edn-v1");
        assertThat(second.getProvenance().getContentVersion()).isEqualTo(1);
        var stored = delivery.storedEvents(EXAM + ":cand-002");
        assertThat(second.getProvenance().getLastSequence())
                .isEqualTo(stored.getLast().sequenceNumber());
        assertThat(second.getProvenance().getLastEventHash())
                .isEqualTo(EventHashes.hex(stored.getLast().chainHash()));

        ExamStatistics statistics = university.getExamStatistics(
                GetExamStatisticsRequest.newBuilder().setExamId(EXAM).build());
        assertThat(statistics.getSessions()).isEqualTo(5);
        assertThat(statistics.getQuestionsList())
                .extracting(q -> q.getQuestionId())
                .containsExactly("q1", "q2", "q3", "case1", "q5", "q6");
        assertThat(statistics.getQuestions(0).getSuccessRate()).isEqualTo(0.8);
        assertThat(statistics.getQuestions(1).getSuccessRate()).isEqualTo(0.3);
    }

    @Test
    @Order(4)
    void nobodyButAuditorsSeesUnpublishedResults() {
        assertThat(refused(
                                Status.Code.FAILED_PRECONDITION,
                                () -> university.listResults(ListResultsRequest.newBuilder()
                                        .setExamId(EXAM)
                                        .build()))
                        .reason())
                .isEqualTo("NOT_PUBLISHED");
        ScoringServiceBlockingStub candidate = scoring.withToken(delivery.auth().candidateToken(EXAM, "cand-003"));
        assertThat(refused(
                                Status.Code.FAILED_PRECONDITION,
                                () -> candidate.getMyResult(GetMyResultRequest.newBuilder()
                                        .setExamId(EXAM)
                                        .build()))
                        .reason())
                .isEqualTo("NOT_PUBLISHED");
    }

    @Test
    @Order(5)
    void aCorrectionRescoresEveryoneAndReportsWhatChanged() {
        refused(
                Status.Code.INVALID_ARGUMENT,
                () -> university.publishAnswerKey(
                        correction().toBuilder().setReason("").build()));
        assertThat(university.publishAnswerKey(correction()).getKeyVersion()).isEqualTo(2);
        ExamResults results = awaitResults(2);
        assertThat(totals(results))
                .containsExactly(
                        Map.entry("cand-001", "8.500 #1"),
                        Map.entry("cand-003", "6.417 #2"),
                        Map.entry("cand-004", "6.417 #2"),
                        Map.entry("cand-002", "6.367 #4"),
                        Map.entry("cand-005", "1.000 #5"));

        GetRescoreReportRequest reportOfTwo = GetRescoreReportRequest.newBuilder()
                .setExamId(EXAM)
                .setKeyVersion(2)
                .build();
        assertThat(refused(Status.Code.FAILED_PRECONDITION, () -> university.getRescoreReport(reportOfTwo))
                        .reason())
                .as("candidates' figures stay with auditors until published")
                .isEqualTo("NOT_PUBLISHED");
        RescoreReport report = await().atMost(Duration.ofSeconds(30))
                .until(() -> auditor.getRescoreReport(reportOfTwo), RescoreReport::getReady);
        assertThat(report.getReason()).startsWith("q1 had two right answers");
        assertThat(report.getQuestionChangesList())
                .extracting(c ->
                        c.getCandidateId() + " " + c.getQuestionId() + " " + c.getOldPoints() + "->" + c.getNewPoints())
                .containsExactly(
                        "cand-001 q2 1.000->0.500",
                        "cand-002 q1 0.000->1.000",
                        "cand-002 q2 0.500->0.200",
                        "cand-003 q2 0.000->1.000",
                        "cand-004 q2 0.000->1.000");
        assertThat(report.getRankChangesList())
                .extracting(c -> c.getCandidateId() + " " + c.getOldTotal() + "->" + c.getNewTotal() + " #"
                        + c.getOldRank() + "->#" + c.getNewRank())
                .containsExactly(
                        "cand-001 9.000->8.500 #1->#1",
                        "cand-003 5.417->6.417 #3->#2",
                        "cand-004 5.417->6.417 #3->#2",
                        "cand-002 5.667->6.367 #2->#4");
    }

    @Test
    @Order(6)
    void publishedResultsReachCandidatesAndUniversities() {
        var publication = university.publishResults(
                PublishResultsRequest.newBuilder().setExamId(EXAM).build());
        assertThat(publication.getKeyVersion()).isEqualTo(2);
        assertThat(publication.getAlreadyPublished()).isFalse();
        assertThat(university
                        .publishResults(PublishResultsRequest.newBuilder()
                                .setExamId(EXAM)
                                .build())
                        .getAlreadyPublished())
                .isTrue();
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> university
                        .listResults(ListResultsRequest.newBuilder()
                                .setExamId(EXAM)
                                .setPageSize(2)
                                .build())
                        .getPublished());

        ExamResults firstPage = university.listResults(
                ListResultsRequest.newBuilder().setExamId(EXAM).setPageSize(2).build());
        assertThat(firstPage.getResultsCount()).isEqualTo(2);
        ExamResults secondPage = university.listResults(ListResultsRequest.newBuilder()
                .setExamId(EXAM)
                .setPageSize(2)
                .setPageToken(firstPage.getNextPageToken())
                .build());
        assertThat(secondPage.getResults(0).getCandidateId()).isEqualTo("cand-004");
        refused(
                Status.Code.INVALID_ARGUMENT,
                () -> university.listResults(ListResultsRequest.newBuilder()
                        .setExamId(EXAM)
                        .setPageToken("garbage")
                        .build()));

        assertThat(university
                        .getRescoreReport(GetRescoreReportRequest.newBuilder()
                                .setExamId(EXAM)
                                .setKeyVersion(2)
                                .build())
                        .getRankChangesCount())
                .as("published, the report is the university's too")
                .isEqualTo(4);

        ScoringServiceBlockingStub candidate = scoring.withToken(delivery.auth().candidateToken(EXAM, "cand-003"));
        SessionResult mine = candidate.getMyResult(
                GetMyResultRequest.newBuilder().setExamId(EXAM).build());
        assertThat(mine.getCandidateId()).isEqualTo("cand-003");
        assertThat(mine.getTotal()).isEqualTo("6.417");
        assertThat(mine.getRank()).isEqualTo(2);
        refused(
                Status.Code.PERMISSION_DENIED,
                () -> candidate.getSessionResult(GetSessionResultRequest.newBuilder()
                        .setSessionId(EXAM + ":cand-001")
                        .build()));
    }

    @Test
    @Order(7)
    void rebuildingTheProjectionFromZeroGivesIdenticalResults() {
        JdbcTemplate jdbc = scoring.bean(JdbcTemplate.class);
        Map<String, List<Map<String, Object>>> before = dump(jdbc);
        StreamingEventProcessor processor = scoring.bean(EventProcessingConfiguration.class)
                .eventProcessor(ResultsProjection.PROCESSOR, StreamingEventProcessor.class)
                .orElseThrow();
        processor.shutDown();
        processor.resetTokens();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM scoring_result", Integer.class))
                .isZero();
        processor.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> dump(jdbc).equals(before));
        } finally {
            Map<String, List<Map<String, Object>>> after = dump(jdbc);
            before.forEach((table, rows) -> {
                if (!rows.equals(after.get(table))) {
                    System.out.println("DIFF " + table + "\nBEFORE " + rows + "\nAFTER  " + after.get(table));
                }
            });
        }
        assertThat(before.get("scoring_rank_change")).hasSize(4);
    }

    private static Map<String, List<Map<String, Object>>> dump(JdbcTemplate jdbc) {
        Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
        for (String table : List.of(
                "scoring_session",
                "scoring_answer",
                "scoring_key",
                "scoring_result",
                "scoring_question_score",
                "scoring_question_change",
                "scoring_rank_change",
                "scoring_publication",
                "scoring_exam_content",
                "scoring_sealed_exam")) {
            tables.put(
                    table,
                    jdbc.queryForList("SELECT * FROM " + table + " ORDER BY 1, 2, 3").stream()
                            .map(row -> {
                                Map<String, Object> comparable = new LinkedHashMap<>();
                                row.forEach((column, value) -> comparable.put(
                                        column, value instanceof byte[] bytes ? EventHashes.hex(bytes) : value));
                                return comparable;
                            })
                            .toList());
        }
        return tables;
    }
}
