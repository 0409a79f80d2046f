package io.amphi.scoring.api;

import java.time.Instant;
import java.util.Map;

/** What happened to an exam's scoring: with the sessions' events, all a score is computed from. */
public final class ScoringEvents {

    private ScoringEvents() {
    }

    /** A key version was published; every submitted session of the exam is scored (again) under it. */
    public record AnswerKeyPublished(String examId, int keyVersion, int contentVersion, Map<String, QuestionKey> questions,
                                     String ruleSet, String reason, Instant publishedAt, String publishedBy) {
    }

    /** The results under a key version were made visible. */
    public record ResultsPublished(String examId, int keyVersion, String ruleSet, Instant publishedAt,
                                   String publishedBy) {
    }
}
