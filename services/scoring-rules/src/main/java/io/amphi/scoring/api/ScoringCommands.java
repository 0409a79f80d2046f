package io.amphi.scoring.api;

import java.util.Map;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** What can be asked of an exam's scoring. */
public final class ScoringCommands {

    private ScoringCommands() {}

    /** The aggregate that holds an exam's answer keys and publications: "examId/scoring". */
    public static String scoringId(String examId) {
        return examId + "/scoring";
    }

    /**
     * Publish an answer key version for a closed exam; a correction is the next version, with the
     * reason it was needed.
     *
     * @param questions the key of every question of the content version, by question id, in exam order
     */
    public record PublishAnswerKey(
            @TargetAggregateIdentifier String scoringId,
            String examId,
            int contentVersion,
            Map<String, QuestionKey> questions,
            String ruleSet,
            String reason,
            String publishedBy) {}

    /**
     * Make the results under the latest key version visible to candidates and universities, and
     * seal them.
     *
     * @param results what the publication seals, read from the log and the results as they stand
     */
    public record PublishResults(
            @TargetAggregateIdentifier String scoringId, String examId, String publishedBy, ResultsToSeal results) {}

    /**
     * The state a publication seals.
     *
     * @param keyVersion          the key version every result was computed under
     * @param examRoot            the exam's seal root (hex)
     * @param scoringLastSequence the sequence number of the scoring stream's last event
     * @param scoringFinalHash    that event's chain hash (hex)
     * @param results             how many results there are
     * @param resultsRoot         the root of the results tree (hex)
     */
    public record ResultsToSeal(
            int keyVersion,
            String examRoot,
            long scoringLastSequence,
            String scoringFinalHash,
            int results,
            String resultsRoot) {}
}
