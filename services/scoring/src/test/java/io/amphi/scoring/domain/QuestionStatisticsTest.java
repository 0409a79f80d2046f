package io.amphi.scoring.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

/** What makes a question stand out before results are published. */
class QuestionStatisticsTest {

    @Test
    void comparesTheBestAndLowestQuarters() {
        assertThat(QuestionStatistics.groupSize(100)).isEqualTo(27);
        assertThat(QuestionStatistics.groupSize(2)).isEqualTo(1);
        QuestionStatistics.Figures figures = QuestionStatistics.of("q1", 0.6, 0.9, 0.3, 100);
        assertThat(figures.discriminationIndex()).isCloseTo(0.6, offset(1e-9));
        assertThat(figures.warnings()).isEmpty();
    }

    @Test
    void aQuestionTheWeakestDoBetterOnIsSuspect() {
        assertThat(QuestionStatistics.of("q7", 0.5, 0.2, 0.8, 200).warnings())
                .containsExactly("negative discrimination: the weakest candidates do better, check the key");
        assertThat(QuestionStatistics.of("q8", 0.5, 0.55, 0.45, 200).warnings()).containsExactly("low discrimination");
    }

    @Test
    void aQuestionAlmostNobodyScoresOnIsSuspect() {
        assertThat(QuestionStatistics.of("q9", 0.05, 0.1, 0.0, 200).warnings())
                .containsExactly("low discrimination", "almost nobody scores: check the key");
    }

    @Test
    void tooFewSessionsAreNotJudgedOnDiscrimination() {
        assertThat(QuestionStatistics.of("q1", 0.5, 0.0, 1.0, 5).warnings()).isEmpty();
    }
}
