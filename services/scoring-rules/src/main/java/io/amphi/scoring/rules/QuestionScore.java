package io.amphi.scoring.rules;

import java.math.BigDecimal;

/**
 * What one question earned: {@code points} out of {@code maxPoints}, both to three decimals.
 * A question removed from the total (neutralised under a removal rule) counts 0 out of 0.
 */
public record QuestionScore(String questionId, BigDecimal points, BigDecimal maxPoints) {}
