package io.amphi.scoring.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.amphi.delivery.api.Answer;
import io.amphi.scoring.api.QuestionKey;
import io.amphi.scoring.api.QuestionKey.KeyFeaturesCase;
import io.amphi.scoring.api.QuestionKey.MultipleResponse;
import io.amphi.scoring.api.QuestionKey.Neutralised;
import io.amphi.scoring.api.QuestionKey.ScriptConcordance;
import io.amphi.scoring.api.QuestionKey.ShortText;
import io.amphi.scoring.api.QuestionKey.SingleBestAnswer;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The EDN rule table, kind by kind, with the edge cases. */
class EdnRulesTest {

    private static final ScoringRules RULES = EdnRules.FULL_CREDIT;

    private static BigDecimal points(QuestionKey key, Answer answer) {
        Map<String, Answer> answers = new HashMap<>();
        if (answer != null) {
            answers.put("q", answer);
        }
        return RULES.score("q", key, answers).points();
    }

    private static Answer choices(String... options) {
        return new Answer.Choices(List.of(options));
    }

    private static BigDecimal p(String value) {
        return new BigDecimal(value).setScale(3);
    }

    @Nested
    class SingleBestAnswerKey {

        private final SingleBestAnswer key = new SingleBestAnswer("B");

        @Test
        void theRightOptionScoresOne() {
            assertThat(points(key, choices("B"))).isEqualTo(p("1"));
        }

        @Test
        void anotherOptionScoresZero() {
            assertThat(points(key, choices("A"))).isEqualTo(p("0"));
        }

        @Test
        void noAnswerOrAClearedOneScoresZero() {
            assertThat(points(key, null)).isEqualTo(p("0"));
            assertThat(points(key, new Answer.Cleared())).isEqualTo(p("0"));
        }

        @Test
        void anAnswerOfAnotherKindScoresZero() {
            assertThat(points(key, new Answer.Text("B"))).isEqualTo(p("0"));
        }
    }

    @Nested
    class MultipleResponseKey {

        /** Options A to E; A, B and C are right. */
        private final MultipleResponse key = new MultipleResponse(Set.of("A", "B", "C"), Set.of(), Set.of());

        @ParameterizedTest(name = "ticked {0}: {1} discordance(s) -> {2}")
        @CsvSource({
            "A B C,     0, 1",
            "A B,       1, 0.5",
            "A B C D,   1, 0.5",
            "A,         2, 0.2",
            "A D,       3, 0",
            "A B D E,   3, 0",
            "D E,       5, 0"
        })
        void scoresByDiscordances(String ticked, int discordances, String expected) {
            assertThat(points(key, new Answer.Choices(List.of(ticked.split(" ")))))
                    .isEqualTo(p(expected));
        }

        @Test
        void allOptionsTicked() {
            assertThat(points(key, choices("A", "B", "C", "D", "E")))
                    .as("D and E wrongly ticked")
                    .isEqualTo(p("0.2"));
        }

        @Test
        void noOptionTickedIsNoAnswer() {
            assertThat(points(key, choices())).isEqualTo(p("0"));
            assertThat(points(key, null)).isEqualTo(p("0"));
        }

        @Test
        void anIndispensableOptionLeftOutGivesZero() {
            MultipleResponse withIndispensable = new MultipleResponse(Set.of("A", "B", "C"), Set.of("A"), Set.of());
            assertThat(points(withIndispensable, choices("B", "C")))
                    .as("one discordance, but A is indispensable")
                    .isEqualTo(p("0"));
            assertThat(points(withIndispensable, choices("A", "B"))).isEqualTo(p("0.5"));
        }

        @Test
        void anUnacceptableOptionTickedGivesZero() {
            MultipleResponse withUnacceptable = new MultipleResponse(Set.of("A", "B", "C"), Set.of(), Set.of("E"));
            assertThat(points(withUnacceptable, choices("A", "B", "C", "E")))
                    .as("one discordance, but E is unacceptable")
                    .isEqualTo(p("0"));
            assertThat(points(withUnacceptable, choices("A", "B", "C", "D"))).isEqualTo(p("0.5"));
        }
    }

    @Nested
    class ShortTextKey {

        private final ShortText key = new ShortText(List.of("Héparine non fractionnée", "HNF"));

        @Test
        void caseAccentsAndSpacesDoNotMatter() {
            assertThat(points(key, new Answer.Text("  heparine   NON fractionnee ")))
                    .isEqualTo(p("1"));
            assertThat(points(key, new Answer.Text("hnf"))).isEqualTo(p("1"));
        }

        @Test
        void anythingElseScoresZero() {
            assertThat(points(key, new Answer.Text("héparine"))).isEqualTo(p("0"));
            assertThat(points(key, new Answer.Text(""))).isEqualTo(p("0"));
        }

        @Test
        void ligaturesAreSpread() {
            assertThat(points(new ShortText(List.of("œdème")), new Answer.Text("OEDEME")))
                    .isEqualTo(p("1"));
        }
    }

    @Nested
    class KeyFeaturesCaseKey {

        private final KeyFeaturesCase key = new KeyFeaturesCase(List.of(
                new KeyFeaturesCase.Part("case1.q1", new BigDecimal("2"), new SingleBestAnswer("A")),
                new KeyFeaturesCase.Part(
                        "case1.q2", new BigDecimal("1"), new MultipleResponse(Set.of("A", "C"), Set.of(), Set.of())),
                new KeyFeaturesCase.Part("case1.q3", new BigDecimal("1.5"), new ShortText(List.of("héparine")))));

        @Test
        void sumsItsQuestionsTimesTheirWeights() {
            QuestionScore score = RULES.score(
                    "case1",
                    key,
                    Map.of(
                            "case1.q1",
                            choices("A"),
                            "case1.q2",
                            choices("A"),
                            "case1.q3",
                            new Answer.Text("Heparine")));
            assertThat(score.points()).as("2 x 1 + 1 x 0.5 + 1.5 x 1").isEqualTo(p("4"));
            assertThat(score.maxPoints()).isEqualTo(p("4.5"));
        }

        @Test
        void nothingAnsweredScoresZeroOutOfTheWeights() {
            QuestionScore score = RULES.score("case1", key, Map.of());
            assertThat(score.points()).isEqualTo(p("0"));
            assertThat(score.maxPoints()).isEqualTo(p("4.5"));
        }
    }

    @Nested
    class ScriptConcordanceKey {

        /** Panel of 15: 9 chose +1, 4 chose +2, 2 chose 0. */
        private final ScriptConcordance key = new ScriptConcordance(Map.of(1, 9, 2, 4, 0, 2));

        @Test
        void theModalAnswerScoresOne() {
            assertThat(points(key, new Answer.Likert(1))).isEqualTo(p("1"));
        }

        @Test
        void otherAnswersScoreTheirShareOfTheModalVotes() {
            assertThat(points(key, new Answer.Likert(2))).isEqualTo(p("0.444"));
            assertThat(points(key, new Answer.Likert(0))).isEqualTo(p("0.222"));
        }

        @Test
        void anAnswerNoPanelMemberChoseScoresZero() {
            assertThat(points(key, new Answer.Likert(-2))).isEqualTo(p("0"));
        }
    }

    @Nested
    class NeutralisedQuestion {

        private final Neutralised neutralised = new Neutralised(new SingleBestAnswer("B"), "two right options");

        @Test
        void givesEveryoneFullCreditByDefault() {
            assertThat(RULES.score("q", neutralised, Map.of()).points()).isEqualTo(p("1"));
            assertThat(RULES.score("q", neutralised, Map.of("q", choices("A"))).points())
                    .isEqualTo(p("1"));
        }

        @Test
        void leavesTheTotalUnderTheRemovalRules() {
            QuestionScore score = EdnRules.REMOVED.score("q", neutralised, Map.of("q", choices("B")));
            assertThat(score.points()).isEqualTo(p("0"));
            assertThat(score.maxPoints()).isEqualTo(p("0"));
        }

        @Test
        void aNeutralisedCaseGivesItsWholeWeight() {
            Neutralised wholeCase = new Neutralised(
                    new KeyFeaturesCase(List.of(
                            new KeyFeaturesCase.Part("c.q1", new BigDecimal("2"), new SingleBestAnswer("A")),
                            new KeyFeaturesCase.Part("c.q2", new BigDecimal("1"), new SingleBestAnswer("B")))),
                    "image missing");
            assertThat(RULES.score("c", wholeCase, Map.of()).points()).isEqualTo(p("3"));
        }
    }

    @Test
    void ruleSetsAreFoundByVersion() {
        assertThat(RuleSets.byVersion("edn-v1")).contains(EdnRules.FULL_CREDIT);
        assertThat(RuleSets.byVersion("edn-v1-neutralised-removed")).contains(EdnRules.REMOVED);
        assertThat(RuleSets.byVersion("nope")).isEmpty();
        assertThat(RuleSets.DEFAULT.version()).isEqualTo("edn-v1");
    }
}
