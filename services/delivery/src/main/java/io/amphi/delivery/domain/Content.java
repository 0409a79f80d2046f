package io.amphi.delivery.domain;

import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Identifiers;
import io.amphi.platform.domain.Inputs;

/** Checks shared by the content records; a broken exam is refused when it is loaded, never at 09:00. */
final class Content {

    private Content() {}

    static void require(boolean condition, String questionId, String problem) {
        if (!condition) {
            throw DomainException.invalid("INVALID_EXAM_CONTENT", "Question " + questionId + " " + problem + ".");
        }
    }

    static void requireId(String id, String what) {
        if (!Identifiers.valid(id)) {
            throw DomainException.invalid(
                    "INVALID_ID",
                    "Invalid id " + Inputs.quote(id) + " for " + what
                            + ": an id is 1 to 64 letters, digits, '.', '_' or '-'.");
        }
    }

    static void requireText(String text, String questionId, String field) {
        require(text != null && !text.isBlank(), questionId, "has no " + field);
    }
}
