package io.amphi.delivery.domain;

import io.amphi.delivery.api.Answer;
import io.amphi.platform.domain.DomainException;

/** A short open answer of at most {@code maxLength} characters. */
public record ShortText(String id, String stem, int maxLength) implements AnswerableQuestion {

    /** The longest limit an exam file may set. */
    public static final int LONGEST_LIMIT = 2000;

    public ShortText {
        Content.requireId(id, "a question");
        Content.requireText(stem, id, "stem");
        Content.require(
                maxLength >= 1 && maxLength <= LONGEST_LIMIT,
                id,
                "needs a maxLength between 1 and " + LONGEST_LIMIT + ", not " + maxLength);
    }

    @Override
    public String kindName() {
        return "short text";
    }

    @Override
    public void checkGiven(Answer answer) {
        if (!(answer instanceof Answer.Text(String text))) {
            throw wrongType(answer, "a text");
        }
        if (text == null || text.isBlank()) {
            throw DomainException.invalidAnswer(
                    id, "Question %s: the text is empty (to withdraw an answer, send a cleared answer).".formatted(id));
        }
        int length = text.codePointCount(0, text.length());
        if (length > maxLength) {
            throw DomainException.invalidAnswer(
                    id,
                    "Question %s accepts at most %d characters; this answer has %d.".formatted(id, maxLength, length));
        }
        if (text.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            throw DomainException.invalidAnswer(id, "Question %s: the text contains control characters.".formatted(id));
        }
    }
}
