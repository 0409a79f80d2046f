package io.amphi.scoring.api;

import java.time.Instant;

/** What scoring commands answer with. */
public final class ScoringResults {

    private ScoringResults() {}

    /** PublishAnswerKey's answer. */
    public record KeyVersion(String examId, int keyVersion) {}

    /**
     * PublishResults's answer; {@code alreadyPublished} when that key version's results were
     * public already (the seal is then that earlier publication's).
     *
     * @param publication     the publication's number, 1 for the exam's first
     * @param publicationRoot the root to publish outside the platform (hex)
     */
    public record Publication(
            String examId,
            int keyVersion,
            String ruleSet,
            Instant publishedAt,
            boolean alreadyPublished,
            int publication,
            String publicationRoot,
            String resultsRoot,
            int results) {}
}
