package io.amphi.delivery.domain;

import java.util.List;

/** A clinical vignette followed by questions; each is answered under its own id. */
public record KeyFeaturesCase(String id, String vignette, List<AnswerableQuestion> questions) implements Question {

    public KeyFeaturesCase {
        Content.requireId(id, "a case");
        Content.requireText(vignette, id, "vignette");
        Content.require(questions != null && !questions.isEmpty(), id, "has no questions");
        questions = List.copyOf(questions);
    }
}
