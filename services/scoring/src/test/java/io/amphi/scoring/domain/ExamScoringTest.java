package io.amphi.scoring.domain;

import static org.axonframework.test.matchers.Matchers.predicate;

import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.DomainException.Kind;
import io.amphi.scoring.api.QuestionKey;
import io.amphi.scoring.api.ScoringCommands;
import io.amphi.scoring.api.ScoringCommands.PublishAnswerKey;
import io.amphi.scoring.api.ScoringCommands.PublishResults;
import io.amphi.scoring.api.ScoringEvents.AnswerKeyPublished;
import io.amphi.scoring.api.ScoringEvents.ResultsPublished;
import io.amphi.scoring.api.ScoringResults.KeyVersion;
import io.amphi.scoring.api.ScoringResults.Publication;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every command of an exam's scoring, given/when/then. */
class ExamScoringTest {

    private static final String EXAM = "edn-2026";
    private static final String ID = ScoringCommands.scoringId(EXAM);
    private static final Instant NOW = Instant.parse("2026-06-20T10:00:00Z");
    private static final List<ExamQuestions.Shape> CONTENT = List.of(
            new ExamQuestions.Shape("q1", "single-best-answer", Set.of("A", "B", "C"), List.of()),
            new ExamQuestions.Shape("q2", "multiple-response", Set.of("A", "B", "C", "D"), List.of()),
            new ExamQuestions.Shape("case1", "key-features-case", Set.of(), List.of(
                    new ExamQuestions.Shape("case1.q1", "single-best-answer", Set.of("A", "B"), List.of()),
                    new ExamQuestions.Shape("case1.q2", "short-text", Set.of(), List.of()))),
            new ExamQuestions.Shape("q5", "script-concordance", Set.of(), List.of()));

    private final Set<String> sealed = new HashSet<>(Set.of(EXAM));
    private AggregateTestFixture<ExamScoring> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ExamScoring.class);
        fixture.registerInjectableResource((ExamClosures) sealed::contains);
        fixture.registerInjectableResource((ExamQuestions) (exam, version) ->
                exam.equals(EXAM) && version == 1 ? Optional.of(CONTENT) : Optional.empty());
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Map<String, QuestionKey> key() {
        Map<String, QuestionKey> key = new LinkedHashMap<>();
        key.put("q1", new QuestionKey.SingleBestAnswer("B"));
        key.put("q2", new QuestionKey.MultipleResponse(Set.of("A", "C"), Set.of("A"), Set.of("D")));
        key.put("case1", new QuestionKey.KeyFeaturesCase(List.of(
                new QuestionKey.KeyFeaturesCase.Part("case1.q1", BigDecimal.ONE, new QuestionKey.SingleBestAnswer("A")),
                new QuestionKey.KeyFeaturesCase.Part("case1.q2", new BigDecimal("2"), new QuestionKey.ShortText(List.of("HNF"))))));
        key.put("q5", new QuestionKey.ScriptConcordance(Map.of(1, 8, 2, 3)));
        return key;
    }

    private static AnswerKeyPublished published(int version, Map<String, QuestionKey> key, String reason) {
        return new AnswerKeyPublished(EXAM, version, 1, key, "edn-v1", reason, NOW, "univ-paris");
    }

    private static Matcher<?> refusal(Kind kind, String reason) {
        return predicate((Object e) -> e instanceof DomainException de && de.kind() == kind && de.reason().equals(reason));
    }

    @Test
    void publishesTheFirstKeyOfAClosedExam() {
        fixture.givenNoPriorActivity()
                .when(new PublishAnswerKey(ID, EXAM, 1, key(), "edn-v1", "", "univ-paris"))
                .expectEvents(published(1, key(), "initial key"))
                .expectResultMessagePayload(new KeyVersion(EXAM, 1));
    }

    @Test
    void refusesAKeyBeforeTheExamIsClosed() {
        sealed.clear();
        fixture.givenNoPriorActivity()
                .when(new PublishAnswerKey(ID, EXAM, 1, key(), "edn-v1", "", "univ-paris"))
                .expectNoEvents()
                .expectException(refusal(Kind.PRECONDITION_FAILED, "EXAM_NOT_CLOSED"));
    }

    @Test
    void refusesAKeyThatDoesNotFitTheContent() {
        Map<String, QuestionKey> wrong = key();
        wrong.remove("q5");
        wrong.put("q1", new QuestionKey.SingleBestAnswer("Z"));
        wrong.put("q9", new QuestionKey.SingleBestAnswer("A"));
        fixture.givenNoPriorActivity()
                .when(new PublishAnswerKey(ID, EXAM, 1, wrong, "edn-v1", "", "univ-paris"))
                .expectNoEvents()
                .expectException(refusal(Kind.INVALID_INPUT, "KEY_DOES_NOT_FIT"))
                .expectExceptionMessage(predicate((String message) -> message.contains("q5 has no key")
                        && message.contains("q1 has no option Z") && message.contains("q9 is not in this content version")));
    }

    @Test
    void refusesAKeyOfAnotherKindThanTheQuestion() {
        Map<String, QuestionKey> wrong = key();
        wrong.put("q2", new QuestionKey.SingleBestAnswer("A"));
        fixture.givenNoPriorActivity()
                .when(new PublishAnswerKey(ID, EXAM, 1, wrong, "edn-v1", "", "univ-paris"))
                .expectException(refusal(Kind.INVALID_INPUT, "KEY_DOES_NOT_FIT"));
    }

    @Test
    void refusesAnUnknownRuleSet() {
        fixture.givenNoPriorActivity()
                .when(new PublishAnswerKey(ID, EXAM, 1, key(), "made-up", "", "univ-paris"))
                .expectException(refusal(Kind.INVALID_INPUT, "UNKNOWN_RULE_SET"));
    }

    @Test
    void refusesAnUnknownContentVersion() {
        fixture.givenNoPriorActivity()
                .when(new PublishAnswerKey(ID, EXAM, 2, key(), "edn-v1", "", "univ-paris"))
                .expectException(refusal(Kind.NOT_FOUND, "UNKNOWN_CONTENT"));
    }

    @Test
    void aCorrectionIsTheNextVersionWithItsReason() {
        Map<String, QuestionKey> corrected = key();
        corrected.put("q1", new QuestionKey.Neutralised(new QuestionKey.SingleBestAnswer("B"), "B and C are both right"));
        fixture.given(published(1, key(), "initial key"))
                .when(new PublishAnswerKey(ID, EXAM, 1, corrected, "edn-v1", "q1 had two right answers", "univ-paris"))
                .expectEvents(published(2, corrected, "q1 had two right answers"))
                .expectResultMessagePayload(new KeyVersion(EXAM, 2));
    }

    @Test
    void aCorrectionWithoutReasonIsRefused() {
        fixture.given(published(1, key(), "initial key"))
                .when(new PublishAnswerKey(ID, EXAM, 1, key(), "edn-v1", " ", "univ-paris"))
                .expectNoEvents()
                .expectException(refusal(Kind.INVALID_INPUT, "MISSING_REASON"));
    }

    @Test
    void aNeutralisedQuestionNeedsAReason() {
        Map<String, QuestionKey> corrected = key();
        corrected.put("q1", new QuestionKey.Neutralised(new QuestionKey.SingleBestAnswer("B"), ""));
        fixture.given(published(1, key(), "initial key"))
                .when(new PublishAnswerKey(ID, EXAM, 1, corrected, "edn-v1", "q1", "univ-paris"))
                .expectException(refusal(Kind.INVALID_INPUT, "KEY_DOES_NOT_FIT"));
    }

    @Test
    void publishesTheResultsOfTheLatestKey() {
        fixture.given(published(1, key(), "initial key"), published(2, key(), "fix"))
                .when(new PublishResults(ID, EXAM, "univ-paris"))
                .expectEvents(new ResultsPublished(EXAM, 2, "edn-v1", NOW, "univ-paris"))
                .expectResultMessagePayload(new Publication(EXAM, 2, "edn-v1", NOW, false));
    }

    @Test
    void publishingTheSameResultsAgainChangesNothing() {
        fixture.given(published(1, key(), "initial key"), new ResultsPublished(EXAM, 1, "edn-v1", NOW, "univ-paris"))
                .when(new PublishResults(ID, EXAM, "univ-paris"))
                .expectNoEvents()
                .expectResultMessagePayload(new Publication(EXAM, 1, "edn-v1", NOW, true));
    }
}
