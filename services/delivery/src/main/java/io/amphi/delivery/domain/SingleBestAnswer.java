package io.amphi.delivery.domain;

import io.amphi.delivery.api.Answer;
import io.amphi.platform.domain.DomainException;
import java.util.List;

/** QRU: exactly one option is to be chosen. */
public record SingleBestAnswer(String id, String stem, List<ChoiceOption> options) implements AnswerableQuestion {

    public SingleBestAnswer {
        Content.requireId(id, "a question");
        Content.requireText(stem, id, "stem");
        options = ChoiceRules.validOptions(id, options, 25);
    }

    @Override
    public String kindName() {
        return "single best answer";
    }

    @Override
    public void checkGiven(Answer answer) {
        if (!(answer instanceof Answer.Choices choices)) {
            throw wrongType(answer, "exactly one chosen option");
        }
        ChoiceRules.checkChosen(this, options, choices);
        if (choices.optionIds().size() != 1) {
            throw DomainException.invalidAnswer(
                    id,
                    "Question %s is a single best answer question: choose exactly one option, not %d%s."
                            .formatted(
                                    id,
                                    choices.optionIds().size(),
                                    choices.optionIds().isEmpty()
                                            ? " (to withdraw an answer, send a cleared answer)"
                                            : " (" + String.join(", ", choices.optionIds()) + ")"));
        }
    }
}
