package io.amphi.scoring.api;

import java.util.Map;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** What can be asked of an exam's scoring. */
public final class ScoringCommands {

    private ScoringCommands() {
    }

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
    public record PublishAnswerKey(@TargetAggregateIdentifier String scoringId, String examId, int contentVersion,
                                   Map<String, QuestionKey> questions, String ruleSet, String reason,
                                   String publishedBy) {
    }

    /** Make the results under the latest key version visible to candidates and universities. */
    public record PublishResults(@TargetAggregateIdentifier String scoringId, String examId, String publishedBy) {
    }
}
