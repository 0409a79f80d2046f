package io.amphi.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.amphi.delivery.RunningDelivery;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.CloseExamRequest;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.LikertAnswer;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.SubmitSessionRequest;
import io.amphi.proto.delivery.v1.TextAnswer;
import io.amphi.proto.scoring.v1.KeyFeaturesCaseKey;
import io.amphi.proto.scoring.v1.MultipleResponseKey;
import io.amphi.proto.scoring.v1.PublishAnswerKeyRequest;
import io.amphi.proto.scoring.v1.PublishResultsRequest;
import io.amphi.proto.scoring.v1.QuestionKey;
import io.amphi.proto.scoring.v1.ResultsPublication;
import io.amphi.proto.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import io.amphi.proto.scoring.v1.ScriptConcordanceKey;
import io.amphi.proto.scoring.v1.ShortTextKey;
import io.amphi.proto.scoring.v1.SingleBestAnswerKey;
import io.amphi.scoring.RunningScoring;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The auditor recomputes the platform's published scores from the log alone, with the same key
 * and rules, and finds them identical; a changed recorded score, or another key version, shows
 * as differences.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RescoreIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;
    private static final List<String> CANDIDATES = List.of("cand-001", "cand-002", "cand-003", "cand-004");

    @TempDir
    static Path data;

    @TempDir
    static Path files;

    private RunningDelivery delivery;
    private RunningScoring scoring;
    private String url;
    private String examRoot;
    private final List<ResultsPublication> publications = new ArrayList<>();

    record Outcome(int exitCode, String out) {}

    @BeforeAll
    void scoreAnExamTwice() {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        delivery = RunningDelivery.start(data, clock, "amphi.delivery.auto-submit-interval=1h");
        scoring = RunningScoring.beside(delivery);
        delivery.openDemoExam(
                clock,
                CANDIDATES.stream()
                        .map(c -> new Enrolment(EXAM, c, Duration.ZERO))
                        .toList());
        int i = 0;
        for (String candidate : CANDIDATES) {
            DeliveryServiceBlockingStub stub = delivery.asCandidate(candidate);
            String session = stub.startSession(
                            StartSessionRequest.newBuilder().setExamId(EXAM).build())
                    .getSession()
                    .getSessionId();
            String option = List.of("A", "B", "C", "D").get(i++);
            save(
                    stub,
                    session,
                    1,
                    "q1",
                    Answer.newBuilder()
                            .setChoices(ChoiceAnswer.newBuilder().addOptionIds(option))
                            .build());
            save(
                    stub,
                    session,
                    2,
                    "q2",
                    Answer.newBuilder()
                            .setChoices(ChoiceAnswer.newBuilder()
                                    .addAllOptionIds(
                                            Stream.of("A", option).distinct().toList()))
                            .build());
            save(
                    stub,
                    session,
                    3,
                    "q3",
                    Answer.newBuilder()
                            .setText(TextAnswer.newBuilder().setText(" ADRENALINE"))
                            .build());
            save(
                    stub,
                    session,
                    4,
                    "q5",
                    Answer.newBuilder()
                            .setLikert(LikertAnswer.newBuilder().setValue(i - 2))
                            .build());
            stub.submitSession(
                    SubmitSessionRequest.newBuilder().setSessionId(session).build());
        }
        clock.advance(Duration.ofHours(1));
        String universityToken = delivery.auth().universityToken("univ-paris", "exams:write", "results:read");
        examRoot = delivery.withToken(universityToken)
                .closeExam(CloseExamRequest.newBuilder().setExamId(EXAM).build())
                .getMerkleRoot();
        ScoringServiceBlockingStub university = scoring.withToken(universityToken);
        university.publishAnswerKey(key("B").build());
        publications.add(publishOnceScored(university));
        university.publishAnswerKey(
                key("C").setReason("C is the right answer to q1").build());
        publications.add(publishOnceScored(university));
        url = delivery.bean(HikariDataSource.class).getJdbcUrl();
    }

    /** Results are published, and sealed, once every session is scored under the latest key; meanwhile RESULTS_NOT_READY. */
    private static ResultsPublication publishOnceScored(ScoringServiceBlockingStub university) {
        long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return university.publishResults(
                        PublishResultsRequest.newBuilder().setExamId(EXAM).build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.FAILED_PRECONDITION
                        || !String.valueOf(e.getStatus().getDescription()).contains("still being computed")
                        || System.nanoTime() > giveUp) {
                    throw e;
                }
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
        }
    }

    private static void save(
            DeliveryServiceBlockingStub stub, String session, long number, String question, Answer answer) {
        stub.saveAnswer(SaveAnswerRequest.newBuilder()
                .setSessionId(session)
                .setQuestionId(question)
                .setSaveNumber(number)
                .setAnswer(answer)
                .build());
    }

    private static PublishAnswerKeyRequest.Builder key(String q1) {
        return PublishAnswerKeyRequest.newBuilder()
                .setExamId(EXAM)
                .setContentVersion(1)
                .addQuestions(QuestionKey.newBuilder()
                        .setQuestionId("q1")
                        .setSingleBestAnswer(SingleBestAnswerKey.newBuilder().setCorrectOptionId(q1)))
                .addQuestions(QuestionKey.newBuilder()
                        .setQuestionId("q2")
                        .setMultipleResponse(MultipleResponseKey.newBuilder()
                                .addCorrectOptionIds("A")
                                .addCorrectOptionIds("B")))
                .addQuestions(QuestionKey.newBuilder()
                        .setQuestionId("q3")
                        .setShortText(ShortTextKey.newBuilder().addAcceptedAnswers("adrénaline")))
                .addQuestions(QuestionKey.newBuilder()
                        .setQuestionId("case1")
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
                                                        .addAcceptedAnswers("HNF"))))))
                .addQuestions(QuestionKey.newBuilder()
                        .setQuestionId("q5")
                        .setScriptConcordance(ScriptConcordanceKey.newBuilder().putAllPanelVotes(Map.of(0, 5, 1, 3))))
                .addQuestions(QuestionKey.newBuilder()
                        .setQuestionId("q6")
                        .setScriptConcordance(ScriptConcordanceKey.newBuilder().putAllPanelVotes(Map.of(-1, 2))));
    }

    private static KeyFeaturesCaseKey.Part part(String id, QuestionKey.Builder key) {
        return KeyFeaturesCaseKey.Part.newBuilder()
                .setWeight("1")
                .setKey(key.setQuestionId(id))
                .build();
    }

    @AfterAll
    void stop() {
        scoring.close();
        delivery.close();
    }

    private Outcome audit(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = AuditCli.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                false,
                args);
        String text = out.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        return new Outcome(exit, text);
    }

    @Test
    void thePlatformsResultsRecomputeIdenticallyFromTheDatabaseAndFromAnExport() {
        Outcome live = audit("rescore", "--db", url, "--exam", EXAM, "--password", "");
        assertThat(live.exitCode()).isZero();
        assertThat(live.out())
                .contains("rescored with key version 2 under rules edn-v1")
                .contains("IDENTICAL")
                .contains("| sessions rescored    | 4 ");

        Path file = files.resolve("scored.ndjson");
        assertThat(audit("export", "--db", url, "--exam", EXAM, "--password", "", "--out", file.toString())
                        .exitCode())
                .isZero();
        assertThat(audit("rescore", "--file", file.toString()).exitCode()).isZero();
        assertThat(audit("verify", "--file", file.toString()).exitCode())
                .as("keys are chained too")
                .isZero();
    }

    @Test
    void eachPublicationIsSealedAndChainedToThePreviousOne() {
        assertThat(publications)
                .extracting(
                        ResultsPublication::getPublication,
                        ResultsPublication::getKeyVersion,
                        ResultsPublication::getResults)
                .containsExactly(tuple(1, 1, 4), tuple(2, 2, 4));
        String latest = publications.getLast().getPublicationRoot();
        assertThat(latest)
                .matches("[0-9a-f]{64}")
                .isNotEqualTo(publications.getFirst().getPublicationRoot());

        Outcome live = audit(
                "verify",
                "--db",
                url,
                "--exam",
                EXAM,
                "--password",
                "",
                "--expected-root",
                examRoot,
                "--expected-publication-root",
                latest);
        assertThat(live.exitCode()).isZero();
        assertThat(live.out())
                .contains("2, the latest of key version 2")
                .contains(latest)
                .contains("covered by the latest publication");
        Outcome superseded = audit(
                "verify",
                "--db",
                url,
                "--exam",
                EXAM,
                "--password",
                "",
                "--expected-publication-root",
                publications.getFirst().getPublicationRoot());
        assertThat(superseded.exitCode()).isEqualTo(AuditCli.DISCREPANCY);
        assertThat(superseded.out()).contains("NOT_THE_PUBLISHED_PUBLICATION");
    }

    @Test
    void resultsWithASessionMissingAreNotSealed() {
        String session = EXAM + ":cand-003";
        JdbcTemplate jdbc = delivery.administrator();
        Map<String, Object> result =
                jdbc.queryForMap("SELECT * FROM scoring.scoring_result WHERE session_id = ?", session);
        List<Map<String, Object>> questions =
                jdbc.queryForList("SELECT * FROM scoring.scoring_question_score WHERE session_id = ?", session);
        jdbc.update("DELETE FROM scoring.scoring_question_score WHERE session_id = ?", session);
        jdbc.update("DELETE FROM scoring.scoring_result WHERE session_id = ?", session);
        try {
            StatusRuntimeException refused = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> scoring.withToken(delivery.auth().universityToken("univ-paris", "exams:write"))
                            .publishResults(PublishResultsRequest.newBuilder()
                                    .setExamId(EXAM)
                                    .build()));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(refused.getStatus().getDescription())
                    .contains("4 submitted sessions")
                    .contains("but 3 results");
        } finally {
            insert(jdbc, "scoring.scoring_result", result);
            questions.forEach(row -> insert(jdbc, "scoring.scoring_question_score", row));
        }
    }

    private static void insert(JdbcTemplate jdbc, String table, Map<String, Object> row) {
        jdbc.update(
                "INSERT INTO " + table + " (" + String.join(", ", row.keySet()) + ") VALUES ("
                        + String.join(", ", row.keySet().stream().map(c -> "?").toList()) + ")",
                row.values().toArray());
    }

    @Test
    void theSecondVerifierGivesTheSameVerdictOnARealExport() throws Exception {
        Path file = files.resolve("real.ndjson");
        assertThat(audit("export", "--db", url, "--exam", EXAM, "--password", "", "--out", file.toString())
                        .exitCode())
                .isZero();
        List<String> options = List.of(
                "--expected-root",
                examRoot,
                "--expected-publication-root",
                publications.getLast().getPublicationRoot());
        JsonNode java = AuditVectorsIT.javaVerdict(file, options);
        assertThat(java.get("verdict").asText()).isEqualTo("CLEAN");
        SecondVerifier.require();
        SecondVerifier.assertSameVerdict(SecondVerifier.verdict(file, options), java);

        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(lines.size() - 1, lines.getLast().replaceFirst("\"total\":\"[0-9.]+\"", "\"total\":\"99.000\""));
        Path edited = Files.write(files.resolve("edited.ndjson"), lines);
        JsonNode javaOnEdited = AuditVectorsIT.javaVerdict(edited, options);
        assertThat(AuditVectorsIT.findings(javaOnEdited)).containsExactly("RESULTS_DIFFER " + EXAM + "/scoring 3");
        SecondVerifier.assertSameVerdict(SecondVerifier.verdict(edited, options), javaOnEdited);
    }

    @Test
    void anotherKeyVersionShowsWhatItWouldChange() {
        Outcome firstKey = audit("rescore", "--db", url, "--exam", EXAM, "--password", "", "--key-version", "1");
        assertThat(firstKey.exitCode()).isEqualTo(AuditCli.DISCREPANCY);
        assertThat(firstKey.out())
                .containsPattern(EXAM + ":cand-002 +q1 +0.000 +1.000")
                .containsPattern(EXAM + ":cand-003 +q1 +1.000 +0.000");
    }

    @Test
    void aDeletedSealIsMissedWhenKeysWerePublished() {
        Map<String, Object> seal = delivery.administrator()
                .queryForMap("SELECT * FROM event_store.domain_event_entry WHERE aggregate_identifier = ?", EXAM);
        delivery.administrator()
                .update("DELETE FROM event_store.domain_event_entry WHERE aggregate_identifier = ?", EXAM);
        try {
            Outcome outcome = audit("verify", "--db", url, "--exam", EXAM, "--password", "");
            assertThat(outcome.exitCode()).isEqualTo(AuditCli.DISCREPANCY);
            assertThat(outcome.out()).contains("SEAL_MISSING");
        } finally {
            String columns = String.join(", ", seal.keySet());
            String marks =
                    String.join(", ", seal.keySet().stream().map(c -> "?").toList());
            delivery.administrator()
                    .update(
                            "INSERT INTO event_store.domain_event_entry (" + columns + ") VALUES (" + marks + ")",
                            seal.values().toArray());
        }
        assertThat(audit("verify", "--db", url, "--exam", EXAM, "--password", "")
                        .exitCode())
                .isZero();
    }

    @Test
    void aChangedRecordedScoreIsFound() {
        delivery.administrator()
                .update(
                        "UPDATE scoring.scoring_question_score SET points = points + 0.5 WHERE session_id = ? AND question_id = 'q3'",
                        EXAM + ":cand-004");
        try {
            Outcome outcome = audit("rescore", "--db", url, "--exam", EXAM, "--password", "");
            assertThat(outcome.exitCode()).isEqualTo(AuditCli.DISCREPANCY);
            assertThat(outcome.out()).containsPattern(EXAM + ":cand-004 +q3 +1.500 +1.000");
            Outcome verified = audit("verify", "--db", url, "--exam", EXAM, "--password", "");
            assertThat(verified.exitCode())
                    .as("the publication seals the results")
                    .isEqualTo(AuditCli.DISCREPANCY);
            assertThat(verified.out()).containsPattern("RESULTS_DIFFER +" + EXAM + "/scoring +3 ");
        } finally {
            delivery.administrator()
                    .update(
                            "UPDATE scoring.scoring_question_score SET points = points - 0.5 WHERE session_id = ? AND question_id = 'q3'",
                            EXAM + ":cand-004");
        }
    }
}
