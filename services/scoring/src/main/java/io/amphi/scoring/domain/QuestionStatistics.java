package io.amphi.scoring.domain;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How each question behaved across an exam's sessions: its success rate (mean share of its
 * maximum) and its upper-lower discrimination index (success rate among the 27% best totals
 * minus among the 27% lowest). A question the best candidates miss more than the weakest ones
 * usually has a wrong key.
 */
public final class QuestionStatistics {

    /** One session's scores: its total and its points per question, in exam order. */
    public record Sheet(BigDecimal total, List<QuestionScore> questions) {
    }

    /** One question's figures and what stands out about it. */
    public record Figures(String questionId, double successRate, double discriminationIndex, List<String> warnings) {
    }

    static final double GROUP_SHARE = 0.27;

    private QuestionStatistics() {
    }

    public static List<Figures> of(List<Sheet> sheets) {
        if (sheets.isEmpty()) {
            return List.of();
        }
        List<Sheet> byTotal = new ArrayList<>(sheets);
        byTotal.sort(Comparator.comparing(Sheet::total));
        int group = Math.max(1, (int) Math.round(sheets.size() * GROUP_SHARE));
        List<Sheet> lowest = byTotal.subList(0, group);
        List<Sheet> best = byTotal.subList(byTotal.size() - group, byTotal.size());
        List<Figures> figures = new ArrayList<>();
        int questions = sheets.getFirst().questions().size();
        for (int q = 0; q < questions; q++) {
            String id = sheets.getFirst().questions().get(q).questionId();
            double success = successRate(sheets, q);
            double discrimination = successRate(best, q) - successRate(lowest, q);
            List<String> warnings = new ArrayList<>();
            if (sheets.size() >= 10 && discrimination < 0) {
                warnings.add("negative discrimination: the weakest candidates do better, check the key");
            } else if (sheets.size() >= 10 && discrimination < 0.2) {
                warnings.add("low discrimination");
            }
            if (success < 0.1) {
                warnings.add("almost nobody scores: check the key");
            }
            figures.add(new Figures(id, success, discrimination, List.copyOf(warnings)));
        }
        return figures;
    }

    private static double successRate(List<Sheet> sheets, int question) {
        double sum = 0;
        int counted = 0;
        for (Sheet sheet : sheets) {
            QuestionScore score = sheet.questions().get(question);
            if (score.maxPoints().signum() > 0) {
                sum += score.points().divide(score.maxPoints(), MathContext.DECIMAL64).doubleValue();
                counted++;
            }
        }
        return counted == 0 ? 0 : sum / counted;
    }
}
