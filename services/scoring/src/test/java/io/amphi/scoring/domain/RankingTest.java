package io.amphi.scoring.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankingTest {

    @Test
    void tiesShareARankAndTheNextRankSkips() {
        assertThat(Ranking.of(Map.of(
                        "a",
                        new BigDecimal("9.000"),
                        "b",
                        new BigDecimal("6.417"),
                        "c",
                        new BigDecimal("6.417"),
                        "d",
                        new BigDecimal("5.000"),
                        "e",
                        new BigDecimal("5.000"),
                        "f",
                        new BigDecimal("1.000"))))
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", 1, "b", 2, "c", 2, "d", 4, "e", 4, "f", 6));
    }

    @Test
    void nobodyIsRankedInAnEmptyExam() {
        assertThat(Ranking.of(Map.of())).isEmpty();
    }
}
