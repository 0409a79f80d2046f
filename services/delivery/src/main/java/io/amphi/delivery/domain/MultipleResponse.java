package io.amphi.delivery.domain;

import io.amphi.delivery.api.Answer;
import io.amphi.platform.domain.DomainException;
import java.util.List;

/** QRM: any number of options may be right; at least one is chosen. */
public record MultipleResponse(String id, String stem, List<ChoiceOption> options) implements AnswerableQuestion {

    public MultipleResponse {
        Content.requireId(id, "a question");
        Content.requireText(stem, id, "stem");
        options = ChoiceRules.validOptions(id, options, 25);
    }

    @Override
    public String kindName() {
        return "multiple response";
    }

    @Override
    public void checkGiven(Answer answer) {
        if (!(answer instanceof Answer.Choices choices)) {
            throw wrongType(answer, "chosen options");
        }
        if (choices.optionIds().isEmpty()) {
            throw DomainException.invalidAnswer(
                    id,
                    "Question %s: choose at least one option (to withdraw an answer, send a cleared answer)."
                            .formatted(id));
        }
        ChoiceRules.checkChosen(this, options, choices);
    }
}
