package io.amphi.scoring.domain;

import io.amphi.scoring.api.QuestionKey;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Whether a key fits its content version: every question keyed, with its own kind and options. */
final class AnswerKeyCheck {

    private AnswerKeyCheck() {}

    /** Every problem found, each naming its question; empty when the key fits. */
    static List<String> problems(List<ExamQuestions.Shape> questions, Map<String, QuestionKey> key) {
        List<String> problems = new ArrayList<>();
        Set<String> ids = questions.stream().map(ExamQuestions.Shape::id).collect(Collectors.toSet());
        key.keySet().stream()
                .filter(id -> !ids.contains(id))
                .forEach(id -> problems.add("question " + id + " is not in this content version"));
        for (ExamQuestions.Shape question : questions) {
            QuestionKey questionKey = key.get(question.id());
            if (questionKey == null) {
                problems.add("question " + question.id() + " has no key");
            } else {
                check(question, questionKey, problems);
            }
        }
        return problems;
    }

    private static void check(ExamQuestions.Shape question, QuestionKey key, List<String> problems) {
        String id = question.id();
        switch (key) {
            case QuestionKey.Neutralised neutralised -> {
                if (neutralised.reason() == null || neutralised.reason().isBlank()) {
                    problems.add("question " + id + " is neutralised without a reason");
                }
                check(question, neutralised.original(), problems);
            }
            case QuestionKey.SingleBestAnswer single -> {
                expectKind(question, "single-best-answer", problems);
                expectOptions(question, Set.of(single.correctOptionId()), problems);
            }
            case QuestionKey.MultipleResponse multiple -> {
                expectKind(question, "multiple-response", problems);
                expectOptions(question, multiple.correctOptionIds(), problems);
                expectOptions(question, multiple.indispensableOptionIds(), problems);
                expectOptions(question, multiple.unacceptableOptionIds(), problems);
                if (!multiple.correctOptionIds().containsAll(multiple.indispensableOptionIds())) {
                    problems.add("question " + id + ": an indispensable option must be a right one");
                }
                if (multiple.unacceptableOptionIds().stream().anyMatch(multiple.correctOptionIds()::contains)) {
                    problems.add("question " + id + ": an unacceptable option cannot be a right one");
                }
            }
            case QuestionKey.ShortText text -> {
                expectKind(question, "short-text", problems);
                if (text.acceptedAnswers().isEmpty()
                        || text.acceptedAnswers().stream().anyMatch(a -> a.isBlank())) {
                    problems.add("question " + id + " needs at least one accepted answer, none blank");
                }
            }
            case QuestionKey.ScriptConcordance tcs -> {
                expectKind(question, "script-concordance", problems);
                if (tcs.panelVotes().keySet().stream().anyMatch(value -> value < -2 || value > 2)
                        || tcs.panelVotes().values().stream().anyMatch(votes -> votes < 0)
                        || tcs.panelVotes().values().stream().noneMatch(votes -> votes > 0)) {
                    problems.add("question " + id + ": panel votes go on -2..+2, none negative, at least one vote");
                }
            }
            case QuestionKey.KeyFeaturesCase kfc -> {
                expectKind(question, "key-features-case", problems);
                List<String> partIds = kfc.parts().stream()
                        .map(QuestionKey.KeyFeaturesCase.Part::questionId)
                        .toList();
                List<String> expected =
                        question.parts().stream().map(ExamQuestions.Shape::id).toList();
                if (!partIds.equals(expected)) {
                    problems.add("case " + id + " keys " + partIds + "; its questions are " + expected);
                    return;
                }
                for (int i = 0; i < expected.size(); i++) {
                    QuestionKey.KeyFeaturesCase.Part part = kfc.parts().get(i);
                    if (part.weight() == null || part.weight().compareTo(BigDecimal.ZERO) <= 0) {
                        problems.add("question " + part.questionId() + " needs a positive weight");
                    }
                    check(question.parts().get(i), part.key(), problems);
                }
            }
        }
    }

    private static void expectKind(ExamQuestions.Shape question, String kind, List<String> problems) {
        if (!question.kind().equals(kind)) {
            problems.add("question " + question.id() + " is a " + question.kind() + " question, keyed as " + kind);
        }
    }

    private static void expectOptions(ExamQuestions.Shape question, Set<String> options, List<String> problems) {
        options.stream()
                .filter(option -> !question.optionIds().contains(option))
                .forEach(option -> problems.add("question " + question.id() + " has no option " + option));
    }
}
