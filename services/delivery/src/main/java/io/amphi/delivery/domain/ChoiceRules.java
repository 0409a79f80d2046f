package io.amphi.delivery.domain;

import io.amphi.delivery.api.Answer;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Inputs;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** What single best answer and multiple response questions share: options and chosen options. */
final class ChoiceRules {

    private ChoiceRules() {}

    static List<ChoiceOption> validOptions(String questionId, List<ChoiceOption> options, int maxOptions) {
        Content.require(options != null && options.size() >= 2, questionId, "needs at least 2 options");
        Content.require(options.size() <= maxOptions, questionId, "has more than " + maxOptions + " options");
        Set<String> ids = new HashSet<>();
        for (ChoiceOption option : options) {
            Content.requireId(option.id(), "an option of question " + questionId);
            Content.require(ids.add(option.id()), questionId, "has option id '" + option.id() + "' twice");
            Content.require(
                    option.text() != null && !option.text().isBlank(),
                    questionId,
                    "option '" + option.id() + "' has no text");
        }
        return List.copyOf(options);
    }

    static void checkChosen(AnswerableQuestion question, List<ChoiceOption> options, Answer.Choices choices) {
        Set<String> known = options.stream().map(ChoiceOption::id).collect(Collectors.toSet());
        Set<String> seen = new HashSet<>();
        for (String chosen : choices.optionIds()) {
            if (!known.contains(chosen)) {
                throw DomainException.invalidAnswer(
                        question.id(),
                        "Question %s has no option %s (its options are %s)."
                                .formatted(
                                        question.id(),
                                        Inputs.quote(chosen),
                                        String.join(
                                                ", ",
                                                options.stream()
                                                        .map(ChoiceOption::id)
                                                        .toList())));
            }
            if (!seen.add(chosen)) {
                throw DomainException.invalidAnswer(
                        question.id(),
                        "Option %s of question %s is chosen twice.".formatted(Inputs.quote(chosen), question.id()));
            }
        }
    }
}
