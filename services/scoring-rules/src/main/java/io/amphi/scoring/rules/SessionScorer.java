package io.amphi.scoring.rules;

import io.amphi.delivery.api.Answer;
import io.amphi.scoring.api.QuestionKey;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A session's score: a pure function of its last answers, an answer key and a rule set. */
public final class SessionScorer {

    /** Every keyed question's score, in key order, and the total out of the maximum. */
    public record SessionScore(List<QuestionScore> questions, BigDecimal total, BigDecimal maxTotal) {}

    private SessionScorer() {}

    /** @param answers the last answer to each question, by question id (key-features parts by their own ids) */
    public static SessionScore score(Map<String, QuestionKey> key, Map<String, Answer> answers, ScoringRules rules) {
        List<QuestionScore> scores = new ArrayList<>(key.size());
        key.forEach((questionId, questionKey) -> scores.add(rules.score(questionId, questionKey, answers)));
        BigDecimal total = scores.stream().map(QuestionScore::points).reduce(EdnRules.ZERO, BigDecimal::add);
        BigDecimal max = scores.stream().map(QuestionScore::maxPoints).reduce(EdnRules.ZERO, BigDecimal::add);
        return new SessionScore(List.copyOf(scores), total, max);
    }
}
