package io.amphi.scoring.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * How a question behaved across an exam's sessions: its success rate (mean share of its maximum)
 * and its upper-lower discrimination index (success rate among the 27% best totals minus among
 * the 27% lowest). A question the best candidates miss more than the weakest ones usually has a
 * wrong key; the warnings say so before results are published.
 */
public final class QuestionStatistics {

    /** The share of sessions in each of the two groups the discrimination index compares. */
    public static final double GROUP_SHARE = 0.27;
    /** Below this many sessions, discrimination is reported but not judged. */
    static final int FEWEST_TO_JUDGE = 10;

    /** One question's figures and what stands out about it. */
    public record Figures(String questionId, double successRate, double discriminationIndex, List<String> warnings) {}

    private QuestionStatistics() {}

    /** How many sessions each compared group holds: 27% of them, at least one. */
    public static int groupSize(int sessions) {
        return Math.max(1, (int) Math.round(sessions * GROUP_SHARE));
    }

    /**
     * @param successRate       mean share of the maximum over all sessions
     * @param successAmongBest  the same among the best-total group
     * @param successAmongLowest the same among the lowest-total group
     */
    public static Figures of(
            String questionId, double successRate, double successAmongBest, double successAmongLowest, int sessions) {
        double discrimination = successAmongBest - successAmongLowest;
        List<String> warnings = new ArrayList<>();
        if (sessions >= FEWEST_TO_JUDGE && discrimination < 0) {
            warnings.add("negative discrimination: the weakest candidates do better, check the key");
        } else if (sessions >= FEWEST_TO_JUDGE && discrimination < 0.2) {
            warnings.add("low discrimination");
        }
        if (successRate < 0.1) {
            warnings.add("almost nobody scores: check the key");
        }
        return new Figures(questionId, successRate, discrimination, List.copyOf(warnings));
    }
}
