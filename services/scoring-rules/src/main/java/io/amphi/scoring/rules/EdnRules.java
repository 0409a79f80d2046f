package io.amphi.scoring.rules;

import io.amphi.delivery.api.Answer;
import io.amphi.scoring.api.QuestionKey;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The French national medical exam's (EDN) rules, version 1 (SCORING-RULES.md has the table).
 *
 * <ul>
 *   <li>single best answer: 1 if the right option alone is chosen, else 0;</li>
 *   <li>multiple response: by discordances (an option wrongly ticked or wrongly left out):
 *       0 → 1, 1 → 0.5, 2 → 0.2, 3 or more → 0; an indispensable option left out or an
 *       unacceptable option ticked → 0;</li>
 *   <li>short text: 1 if the normalised answer is one of the normalised accepted answers, else 0;</li>
 *   <li>key-features case: the sum of its questions' scores, each times its weight;</li>
 *   <li>script concordance: the panel members who chose the answer divided by the number who
 *       chose the most chosen answer;</li>
 *   <li>no answer (never answered, or cleared) → 0, never partial credit;</li>
 *   <li>neutralised: full credit for everyone ({@link #FULL_CREDIT}) or removed from the total
 *       and its maximum ({@link #REMOVED}).</li>
 * </ul>
 * Points carry three decimals, rounded half-even, so equal totals are exactly equal.
 */
public final class EdnRules implements ScoringRules {

    /** Neutralised questions give every candidate full credit: the default. */
    public static final EdnRules FULL_CREDIT = new EdnRules("edn-v1", false);
    /** Neutralised questions leave the total and its maximum. */
    public static final EdnRules REMOVED = new EdnRules("edn-v1-neutralised-removed", true);

    static final BigDecimal ONE = points(1);
    static final BigDecimal ZERO = points(0);
    private static final List<BigDecimal> BY_DISCORDANCES = List.of(ONE, points(0.5), points(0.2));

    private final String version;
    private final boolean neutralisedRemoved;

    private EdnRules(String version, boolean neutralisedRemoved) {
        this.version = version;
        this.neutralisedRemoved = neutralisedRemoved;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public QuestionScore score(String questionId, QuestionKey key, Map<String, Answer> answers) {
        return switch (key) {
            case QuestionKey.Neutralised neutralised -> {
                BigDecimal max = maxPoints(neutralised.original());
                yield neutralisedRemoved
                        ? new QuestionScore(questionId, ZERO, ZERO)
                        : new QuestionScore(questionId, max, max);
            }
            case QuestionKey.KeyFeaturesCase kfc -> {
                BigDecimal points = ZERO;
                BigDecimal max = ZERO;
                for (QuestionKey.KeyFeaturesCase.Part part : kfc.parts()) {
                    QuestionScore partScore = score(part.questionId(), part.key(), answers);
                    points = points.add(part.weight().multiply(partScore.points()));
                    max = max.add(part.weight().multiply(partScore.maxPoints()));
                }
                yield new QuestionScore(
                        questionId,
                        points.setScale(3, RoundingMode.HALF_EVEN),
                        max.setScale(3, RoundingMode.HALF_EVEN));
            }
            default -> new QuestionScore(questionId, points(key, answers.get(questionId)), ONE);
        };
    }

    /** The most a key's question can give, neutralised or not. */
    private static BigDecimal maxPoints(QuestionKey key) {
        return switch (key) {
            case QuestionKey.KeyFeaturesCase kfc ->
                kfc.parts().stream()
                        .map(part -> part.weight().multiply(maxPoints(part.key())))
                        .reduce(ZERO, BigDecimal::add)
                        .setScale(3, RoundingMode.HALF_EVEN);
            case QuestionKey.Neutralised neutralised -> maxPoints(neutralised.original());
            default -> ONE;
        };
    }

    /** A question answered once, with one answer: every kind but the key-features case. */
    private static BigDecimal points(QuestionKey key, Answer answer) {
        if (answer == null || answer instanceof Answer.Cleared) {
            return ZERO;
        }
        return switch (key) {
            case QuestionKey.SingleBestAnswer single ->
                answer instanceof Answer.Choices(List<String> chosen)
                                && chosen.equals(List.of(single.correctOptionId()))
                        ? ONE
                        : ZERO;
            case QuestionKey.MultipleResponse multiple ->
                answer instanceof Answer.Choices(List<String> chosen)
                        ? multipleResponse(multiple, new HashSet<>(chosen))
                        : ZERO;
            case QuestionKey.ShortText text ->
                answer instanceof Answer.Text(String given)
                                && text.acceptedAnswers().stream()
                                        .map(TextNormalisation::normalise)
                                        .anyMatch(TextNormalisation.normalise(given)::equals)
                        ? ONE
                        : ZERO;
            case QuestionKey.ScriptConcordance tcs ->
                answer instanceof Answer.Likert(int value) ? scriptConcordance(tcs, value) : ZERO;
            case QuestionKey.KeyFeaturesCase ignored -> throw new IllegalStateException("scored part by part");
            case QuestionKey.Neutralised ignored -> throw new IllegalStateException("scored by the rule set's policy");
        };
    }

    private static BigDecimal multipleResponse(QuestionKey.MultipleResponse key, Set<String> chosen) {
        if (!chosen.containsAll(key.indispensableOptionIds())
                || key.unacceptableOptionIds().stream().anyMatch(chosen::contains)) {
            return ZERO;
        }
        long wronglyTicked = chosen.stream()
                .filter(option -> !key.correctOptionIds().contains(option))
                .count();
        long wronglyLeftOut = key.correctOptionIds().stream()
                .filter(option -> !chosen.contains(option))
                .count();
        int discordances = (int) Math.min(Integer.MAX_VALUE, wronglyTicked + wronglyLeftOut);
        return discordances < BY_DISCORDANCES.size() ? BY_DISCORDANCES.get(discordances) : ZERO;
    }

    private static BigDecimal scriptConcordance(QuestionKey.ScriptConcordance key, int value) {
        int mostVotes = key.panelVotes().values().stream()
                .mapToInt(Integer::intValue)
                .max()
                .orElse(0);
        int votes = key.panelVotes().getOrDefault(value, 0);
        if (mostVotes == 0) {
            return ZERO;
        }
        return BigDecimal.valueOf(votes).divide(BigDecimal.valueOf(mostVotes), 3, RoundingMode.HALF_EVEN);
    }

    static BigDecimal points(double value) {
        return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_EVEN);
    }
}
