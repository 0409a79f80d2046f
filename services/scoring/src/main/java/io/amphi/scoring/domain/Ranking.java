package io.amphi.scoring.domain;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranks and percentiles of totals. Ties share a rank and the next rank skips (1, 2, 2, 4); the
 * percentile is the share of candidates with the same total or less, in percent.
 */
public final class Ranking {

    /** One candidate's place. */
    public record Place(int rank, double percentile) {
    }

    private Ranking() {
    }

    /** Places by candidate, from each candidate's total. */
    public static Map<String, Place> of(Map<String, BigDecimal> totals) {
        List<BigDecimal> descending = new ArrayList<>(totals.values());
        descending.sort(Comparator.reverseOrder());
        int count = descending.size();
        Map<BigDecimal, Place> byTotal = new HashMap<>();
        for (int i = 0; i < count; i++) {
            BigDecimal total = descending.get(i);
            if (!byTotal.containsKey(total)) {
                int ahead = i;
                byTotal.put(total, new Place(ahead + 1, 100.0 * (count - ahead) / count));
            }
        }
        Map<String, Place> places = new HashMap<>();
        totals.forEach((candidate, total) -> places.put(candidate, byTotal.get(total)));
        return places;
    }
}
