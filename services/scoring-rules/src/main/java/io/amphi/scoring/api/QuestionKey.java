package io.amphi.scoring.api;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The key of one question, one variant per question kind (a new kind is one more variant and one
 * more rule). Keys are values: a correction is a new key version, never an edit.
 */
public sealed interface QuestionKey {

    /** Single best answer (QRU): the one right option. */
    record SingleBestAnswer(String correctOptionId) implements QuestionKey {}

    /**
     * Multiple response (QRM): the right options; an indispensable option left out, or an
     * unacceptable option ticked, gives 0 whatever else is right.
     */
    record MultipleResponse(
            Set<String> correctOptionIds, Set<String> indispensableOptionIds, Set<String> unacceptableOptionIds)
            implements QuestionKey {
        public MultipleResponse {
            correctOptionIds = sorted(correctOptionIds);
            indispensableOptionIds = sorted(indispensableOptionIds);
            unacceptableOptionIds = sorted(unacceptableOptionIds);
        }

        /** Sorted, so that one key is always written as the same bytes in the log (Set.copyOf's order changes per JVM). */
        private static Set<String> sorted(Set<String> options) {
            return Collections.unmodifiableSortedSet(new TreeSet<>(options));
        }
    }

    /** Short free text (QROC): the answers accepted, compared after normalisation. */
    record ShortText(List<String> acceptedAnswers) implements QuestionKey {
        public ShortText {
            acceptedAnswers = List.copyOf(acceptedAnswers);
        }
    }

    /** Key-features case: its questions' keys, each with the weight its score counts for. */
    record KeyFeaturesCase(List<Part> parts) implements QuestionKey {
        public KeyFeaturesCase {
            parts = List.copyOf(parts);
        }

        /** One question of the case, answered under its own id (e.g. "case1.q2"). */
        public record Part(String questionId, BigDecimal weight, QuestionKey key) {}
    }

    /** Script concordance (TCS): how many panel members chose each point of the -2..+2 scale. */
    record ScriptConcordance(Map<Integer, Integer> panelVotes) implements QuestionKey {
        public ScriptConcordance {
            panelVotes = Collections.unmodifiableSortedMap(new TreeMap<>(panelVotes));
        }
    }

    /** A question withdrawn from scoring after the fact; the rule set says what it is worth. */
    record Neutralised(QuestionKey original, String reason) implements QuestionKey {}
}
