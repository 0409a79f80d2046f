package io.amphi.scoring.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.amphi.delivery.api.Answer;
import io.amphi.scoring.api.QuestionKey;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A session's score is a pure function of its answers, the key and the rules. */
class SessionScorerTest {

    private static final List<String> OPTIONS = List.of("A", "B", "C", "D", "E");

    @Test
    void totalsEveryKeyedQuestionIncludingUnansweredOnes() {
        Map<String, QuestionKey> key = new LinkedHashMap<>();
        key.put("q1", new QuestionKey.SingleBestAnswer("B"));
        key.put("q2", new QuestionKey.MultipleResponse(Set.of("A", "B"), Set.of(), Set.of()));
        key.put("q3", new QuestionKey.ShortText(List.of("adrénaline")));
        SessionScorer.SessionScore score = SessionScorer.score(
                key,
                Map.of("q1", new Answer.Choices(List.of("B")), "q2", new Answer.Choices(List.of("A"))),
                EdnRules.FULL_CREDIT);
        assertThat(score.questions()).extracting(QuestionScore::questionId).containsExactly("q1", "q2", "q3");
        assertThat(score.total()).isEqualTo(new BigDecimal("1.500"));
        assertThat(score.maxTotal()).isEqualTo(new BigDecimal("3.000"));
    }

    /**
     * Property: for 2,000 random keys and answer sheets, scoring twice, or with the answers given
     * in another order, gives exactly the same scores, and every score lies within 0 and its maximum.
     */
    @Test
    void scoringIsDeterministicAndBounded() {
        Random random = new Random(20260615);
        for (int run = 0; run < 2_000; run++) {
            Map<String, QuestionKey> key = randomKey(random);
            Map<String, Answer> answers = randomAnswers(random, key);
            List<Map.Entry<String, Answer>> shuffled = new ArrayList<>(answers.entrySet());
            Collections.shuffle(shuffled, random);
            Map<String, Answer> reordered = new LinkedHashMap<>();
            shuffled.forEach(e -> reordered.put(e.getKey(), e.getValue()));
            for (ScoringRules rules : List.of(EdnRules.FULL_CREDIT, EdnRules.REMOVED)) {
                SessionScorer.SessionScore first = SessionScorer.score(key, answers, rules);
                assertThat(SessionScorer.score(key, reordered, rules)).isEqualTo(first);
                assertThat(first.questions()).allSatisfy(q -> {
                    assertThat(q.points()).isBetween(BigDecimal.ZERO, q.maxPoints());
                    assertThat(q.points().scale()).isEqualTo(3);
                });
                assertThat(first.total()).isBetween(BigDecimal.ZERO, first.maxTotal());
            }
        }
    }

    private static Map<String, QuestionKey> randomKey(Random random) {
        Map<String, QuestionKey> key = new LinkedHashMap<>();
        int questions = 1 + random.nextInt(12);
        for (int i = 0; i < questions; i++) {
            QuestionKey questionKey = switch (random.nextInt(5)) {
                case 0 -> new QuestionKey.SingleBestAnswer(pick(random));
                case 1 ->
                    new QuestionKey.MultipleResponse(
                            someOptions(random),
                            random.nextBoolean() ? Set.of(pick(random)) : Set.of(),
                            random.nextBoolean() ? Set.of(pick(random)) : Set.of());
                case 2 -> new QuestionKey.ShortText(List.of("Adrénaline", "epinephrine"));
                case 3 ->
                    new QuestionKey.ScriptConcordance(
                            Map.of(-1, random.nextInt(5), 0, random.nextInt(5), 1, 1 + random.nextInt(9)));
                default ->
                    new QuestionKey.KeyFeaturesCase(List.of(
                            new QuestionKey.KeyFeaturesCase.Part(
                                    "q" + i + ".a",
                                    new BigDecimal("1.5"),
                                    new QuestionKey.SingleBestAnswer(pick(random))),
                            new QuestionKey.KeyFeaturesCase.Part(
                                    "q" + i + ".b", new BigDecimal("0.5"), new QuestionKey.ShortText(List.of("HNF")))));
            };
            key.put("q" + i, random.nextInt(10) == 0 ? new QuestionKey.Neutralised(questionKey, "error") : questionKey);
        }
        return key;
    }

    private static Map<String, Answer> randomAnswers(Random random, Map<String, QuestionKey> key) {
        Map<String, Answer> answers = new LinkedHashMap<>();
        for (String questionId : key.keySet()) {
            answers.put(
                    questionId,
                    switch (random.nextInt(5)) {
                        case 0 -> new Answer.Choices(List.of(pick(random)));
                        case 1 -> new Answer.Choices(new ArrayList<>(someOptions(random)));
                        case 2 -> new Answer.Text(random.nextBoolean() ? " ADRENALINE " : "hnf");
                        case 3 -> new Answer.Likert(random.nextInt(5) - 2);
                        default -> new Answer.Cleared();
                    });
            answers.put(questionId + ".a", new Answer.Choices(List.of(pick(random))));
            answers.put(questionId + ".b", new Answer.Text("hnf"));
        }
        return answers;
    }

    private static String pick(Random random) {
        return OPTIONS.get(random.nextInt(OPTIONS.size()));
    }

    private static Set<String> someOptions(Random random) {
        Set<String> chosen = new TreeSet<>();
        chosen.add(pick(random));
        while (random.nextBoolean()) {
            chosen.add(pick(random));
        }
        return chosen;
    }
}
