package io.amphi.scoring.rules;

import io.amphi.delivery.api.Answer;
import io.amphi.scoring.api.QuestionKey;
import java.util.Map;

/**
 * A versioned rule set: how one answer scores against one key. Rule sets never change once
 * published: a new behaviour is a new version, so every recorded score names the rules it used.
 */
public interface ScoringRules {

    /** The rule set's version, recorded with every score it gives. */
    String version();

    /**
     * @param answers the session's last answer to each question it answered, by question id (a
     *                key-features case's questions under their own ids)
     */
    QuestionScore score(String questionId, QuestionKey key, Map<String, Answer> answers);
}
