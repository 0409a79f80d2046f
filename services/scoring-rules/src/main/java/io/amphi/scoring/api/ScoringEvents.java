package io.amphi.scoring.api;

import java.time.Instant;
import java.util.Map;

/** What happened to an exam's scoring: with the sessions' events, all a score is computed from. */
public final class ScoringEvents {

    private static final String PREFIX = "io.amphi.scoring.api.ScoringEvents$";

    /**
     * The published type name of each scoring event, fixed forever (see delivery-api's
     * PublishedEvents): a class may be renamed or moved, and its entry keeps its name.
     */
    public static final Map<Class<?>, String> PUBLISHED_NAMES = Map.of(
            AnswerKeyPublished.class, PREFIX + "AnswerKeyPublished",
            ResultsPublished.class, PREFIX + "ResultsPublished");

    private ScoringEvents() {}

    /** The published name of a scoring event. */
    public static String nameOf(Class<?> event) {
        String name = PUBLISHED_NAMES.get(event);
        if (name == null) {
            throw new IllegalArgumentException(event.getName() + " is not one of scoring's published events");
        }
        return name;
    }

    /** A key version was published; every submitted session of the exam is scored (again) under it. */
    public record AnswerKeyPublished(
            String examId,
            int keyVersion,
            int contentVersion,
            Map<String, QuestionKey> questions,
            String ruleSet,
            String reason,
            Instant publishedAt,
            String publishedBy) {}

    /**
     * The results under a key version were made visible and sealed: {@code publicationRoot} (hex,
     * "amphi-publication-v1" in AUDIT-FORMAT.md) covers the previous publication's root, the
     * exam's seal, the scoring stream up to this event and every result line, so publishing it
     * outside the platform fixes the history of keys and results up to here.
     *
     * @param publication         1 for the exam's first publication, then 2, 3, ...
     * @param previousRoot        the previous publication's root, 64 zeros for the first
     * @param scoringLastSequence the sequence number of the scoring stream's event before this one
     * @param scoringFinalHash    that event's chain hash
     * @param results             how many result lines the results root covers
     */
    public record ResultsPublished(
            String examId,
            int keyVersion,
            String ruleSet,
            Instant publishedAt,
            String publishedBy,
            int publication,
            String previousRoot,
            String examRoot,
            long scoringLastSequence,
            String scoringFinalHash,
            int results,
            String resultsRoot,
            String publicationRoot) {}
}
