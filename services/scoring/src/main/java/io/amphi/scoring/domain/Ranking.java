package io.amphi.scoring.domain;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Ranks by total, best first: equal totals share a rank and the next rank skips (1, 2, 2, 4). */
public final class Ranking {

    private Ranking() {}

    /** Each candidate's rank, from each candidate's total. */
    public static Map<String, Integer> of(Map<String, BigDecimal> totals) {
        List<BigDecimal> descending = new ArrayList<>(totals.values());
        descending.sort(Comparator.reverseOrder());
        Map<BigDecimal, Integer> rankOfTotal = new HashMap<>();
        for (int i = 0; i < descending.size(); i++) {
            rankOfTotal.putIfAbsent(descending.get(i), i + 1);
        }
        Map<String, Integer> ranks = new HashMap<>();
        totals.forEach((candidate, total) -> ranks.put(candidate, rankOfTotal.get(total)));
        return ranks;
    }
}
