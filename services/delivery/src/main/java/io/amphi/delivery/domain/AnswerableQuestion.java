package io.amphi.delivery.domain;

import io.amphi.delivery.api.Answer;
import io.amphi.platform.domain.DomainException;

/** A question a candidate answers directly, which knows what answers fit it. */
public sealed interface AnswerableQuestion extends Question
        permits SingleBestAnswer, MultipleResponse, ShortText, ScriptConcordance {

    /** A short name of the kind for messages, e.g. "single best answer". */
    String kindName();

    /**
     * Refuses an answer that does not fit this question, with a message naming the question and the
     * problem. A {@link Answer.Cleared} answer fits every question.
     */
    default void check(Answer answer) {
        if (answer instanceof Answer.Cleared) {
            return;
        }
        checkGiven(answer);
    }

    /** Checks an answer that is not a withdrawal. */
    void checkGiven(Answer answer);

    default DomainException wrongType(Answer answer, String expected) {
        String got = switch (answer) {
            case Answer.Choices c -> "chosen options";
            case Answer.Text t -> "a text";
            case Answer.Likert l -> "a scale value";
            case Answer.Cleared c -> "a withdrawal";
        };
        return DomainException.invalidAnswer(
                id(), "Question %s is a %s question: send %s, not %s.".formatted(id(), kindName(), expected, got));
    }
}
