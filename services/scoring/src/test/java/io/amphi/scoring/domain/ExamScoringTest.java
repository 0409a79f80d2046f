package io.amphi.scoring.domain;

import static org.axonframework.test.matchers.Matchers.predicate;

import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.PublicationSeal;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.DomainException.Kind;
import io.amphi.scoring.api.QuestionKey;
import io.amphi.scoring.api.ScoringCommands;
import io.amphi.scoring.api.ScoringCommands.PublishAnswerKey;
import io.amphi.scoring.api.ScoringCommands.PublishResults;
import io.amphi.scoring.api.ScoringCommands.ResultsToSeal;
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
            new ExamQuestions.Shape(
                    "case1",
                    "key-features-case",
                    Set.of(),
                    List.of(
                            new ExamQuestions.Shape("case1.q1", "single-best-answer", Set.of("A", "B"), List.of()),
                            new ExamQuestions.Shape("case1.q2", "short-text", Set.of(), List.of()))),
            new ExamQuestions.Shape("q5", "script-concordance", Set.of(), List.of()));

    private final Set<String> sealed = new HashSet<>(Set.of(EXAM));
    private AggregateTestFixture<ExamScoring> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ExamScoring.class);
        fixture.registerInjectableResource((ExamClosures) sealed::contains);
        fixture.registerInjectableResource((ExamQuestions)
                (exam, version) -> exam.equals(EXAM) && version == 1 ? Optional.of(CONTENT) : Optional.empty());
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Map<String, QuestionKey> key() {
        Map<String, QuestionKey> key = new LinkedHashMap<>();
        key.put("q1", new QuestionKey.SingleBestAnswer("B"));
        key.put("q2", new QuestionKey.MultipleResponse(Set.of("A", "C"), Set.of("A"), Set.of("D")));
        key.put(
                "case1",
                new QuestionKey.KeyFeaturesCase(List.of(
                        new QuestionKey.KeyFeaturesCase.Part(
                                "case1.q1", BigDecimal.ONE, new QuestionKey.SingleBestAnswer("A")),
                        new QuestionKey.KeyFeaturesCase.Part(
                                "case1.q2", new BigDecimal("2"), new QuestionKey.ShortText(List.of("HNF"))))));
        key.put("q5", new QuestionKey.ScriptConcordance(Map.of(1, 8, 2, 3)));
        return key;
    }

    private static AnswerKeyPublished published(int version, Map<String, QuestionKey> key, String reason) {
        return new AnswerKeyPublished(EXAM, version, 1, key, "edn-v1", reason, NOW, "univ-paris");
    }

    private static Matcher<?> refusal(Kind kind, String reason) {
        return predicate((Object e) -> e instanceof DomainException de
                && de.kind() == kind
                && de.reason().equals(reason));
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
                        && message.contains("q1 has no option Z")
                        && message.contains("q9 is not in this content version")));
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
        corrected.put(
                "q1", new QuestionKey.Neutralised(new QuestionKey.SingleBestAnswer("B"), "B and C are both right"));
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

    private static final String EXAM_ROOT = "e1".repeat(32);
    private static final String RESULTS_ROOT = "4e".repeat(32);

    /** What the service seals after the given key events: the stream ends at {@code lastSequence}. */
    private static ResultsToSeal toSeal(int keyVersion, long lastSequence) {
        return new ResultsToSeal(keyVersion, EXAM_ROOT, lastSequence, "5c".repeat(32), 3, RESULTS_ROOT);
    }

    private static String expectedRoot(int number, String previousRoot, int keyVersion, long lastSequence) {
        return EventHashes.hex(PublicationSeal.root(new PublicationSeal.Publication(
                EXAM,
                number,
                EventHashes.fromHex(previousRoot),
                EventHashes.fromHex(EXAM_ROOT),
                lastSequence,
                EventHashes.fromHex("5c".repeat(32)),
                keyVersion,
                "edn-v1",
                3,
                EventHashes.fromHex(RESULTS_ROOT))));
    }

    private static ResultsPublished publication(int number, String previousRoot, int keyVersion, long lastSequence) {
        return new ResultsPublished(
                EXAM,
                keyVersion,
                "edn-v1",
                NOW,
                "univ-paris",
                number,
                previousRoot,
                EXAM_ROOT,
                lastSequence,
                "5c".repeat(32),
                3,
                RESULTS_ROOT,
                expectedRoot(number, previousRoot, keyVersion, lastSequence));
    }

    @Test
    void publishesAndSealsTheResultsOfTheLatestKey() {
        String root = expectedRoot(1, "0".repeat(64), 2, 1);
        fixture.given(published(1, key(), "initial key"), published(2, key(), "fix"))
                .when(new PublishResults(ID, EXAM, "univ-paris", toSeal(2, 1)))
                .expectEvents(new ResultsPublished(
                        EXAM,
                        2,
                        "edn-v1",
                        NOW,
                        "univ-paris",
                        1,
                        "0".repeat(64),
                        EXAM_ROOT,
                        1,
                        "5c".repeat(32),
                        3,
                        RESULTS_ROOT,
                        root))
                .expectResultMessagePayload(new Publication(EXAM, 2, "edn-v1", NOW, false, 1, root, RESULTS_ROOT, 3));
    }

    @Test
    void aRepublicationAfterACorrectionChainsItsSealToThePreviousOne() {
        ResultsPublished first = publication(1, "0".repeat(64), 1, 0);
        String root = expectedRoot(2, first.publicationRoot(), 2, 2);
        fixture.given(published(1, key(), "initial key"), first, published(2, key(), "q1 had two right answers"))
                .when(new PublishResults(ID, EXAM, "univ-paris", toSeal(2, 2)))
                .expectEvents(publication(2, first.publicationRoot(), 2, 2))
                .expectResultMessagePayload(new Publication(EXAM, 2, "edn-v1", NOW, false, 2, root, RESULTS_ROOT, 3));
    }

    @Test
    void resultsSealedUnderAnOlderKeyAreRefused() {
        fixture.given(published(1, key(), "initial key"), published(2, key(), "fix"))
                .when(new PublishResults(ID, EXAM, "univ-paris", toSeal(1, 0)))
                .expectNoEvents()
                .expectException(refusal(Kind.PRECONDITION_FAILED, "SCORING_CHANGED"));
    }

    @Test
    void aSealOfAScoringStreamThatHasMovedOnIsRefused() {
        fixture.given(published(1, key(), "initial key"), published(2, key(), "fix"))
                .when(new PublishResults(ID, EXAM, "univ-paris", toSeal(2, 0)))
                .expectNoEvents()
                .expectException(refusal(Kind.PRECONDITION_FAILED, "SCORING_CHANGED"));
    }

    @Test
    void publishingTheSameResultsAgainReturnsTheSameSeal() {
        ResultsPublished first = publication(1, "0".repeat(64), 1, 0);
        fixture.given(published(1, key(), "initial key"), first)
                .when(new PublishResults(ID, EXAM, "univ-paris", toSeal(1, 1)))
                .expectNoEvents()
                .expectResultMessagePayload(
                        new Publication(EXAM, 1, "edn-v1", NOW, true, 1, first.publicationRoot(), RESULTS_ROOT, 3));
    }
}
