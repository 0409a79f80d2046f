package io.amphi.delivery.domain;

import io.amphi.delivery.api.Answer;
import io.amphi.platform.domain.DomainException;
import java.util.List;

/** TCS: how new information changes a hypothesis, answered on a 5-point scale from -2 to +2. */
public record ScriptConcordance(String id, String vignette, String hypothesis, String newInformation)
        implements AnswerableQuestion {

    public static final int LOWEST = -2;
    public static final int HIGHEST = 2;

    /** What the scale's points mean, from -2 to +2. */
    public static final List<String> SCALE_LABELS = List.of(
            "much less likely", "less likely", "neither more nor less likely", "more likely", "much more likely");

    public ScriptConcordance {
        Content.requireId(id, "a question");
        Content.requireText(hypothesis, id, "hypothesis");
        Content.requireText(newInformation, id, "new information");
    }

    @Override
    public String kindName() {
        return "script concordance";
    }

    @Override
    public void checkGiven(Answer answer) {
        if (!(answer instanceof Answer.Likert(int value))) {
            throw wrongType(answer, "a scale value from -2 to +2");
        }
        if (value < LOWEST || value > HIGHEST) {
            throw DomainException.invalidAnswer(
                    id, "Question %s takes a value from -2 to +2, not %d.".formatted(id, value));
        }
    }
}
