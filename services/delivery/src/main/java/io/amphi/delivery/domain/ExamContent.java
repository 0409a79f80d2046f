package io.amphi.delivery.domain;

import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Inputs;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One published version of an exam's content: immutable, and without answer keys (those are
 * published separately, after the exam). A change is a new version.
 */
public final class ExamContent {

    /** The longest exam an exam file may describe. */
    public static final Duration LONGEST_EXAM = Duration.ofHours(12);

    private final String examId;
    private final int version;
    private final String title;
    private final Duration duration;
    private final List<Question> questions;
    private final Map<String, AnswerableQuestion> answerable;

    public ExamContent(String examId, int version, String title, Duration duration, List<Question> questions) {
        Content.requireId(examId, "an exam");
        if (version < 1) {
            throw invalid("Exam " + examId + ": the version must be 1 or more, not " + version + ".");
        }
        if (title == null || title.isBlank()) {
            throw invalid("Exam " + examId + " has no title.");
        }
        if (duration == null || duration.isNegative() || duration.isZero() || duration.compareTo(LONGEST_EXAM) > 0) {
            throw invalid(
                    "Exam " + examId + ": the duration must be positive and at most 12 hours, not " + duration + ".");
        }
        if (questions == null || questions.isEmpty()) {
            throw invalid("Exam " + examId + " has no questions.");
        }
        this.examId = examId;
        this.version = version;
        this.title = title;
        this.duration = duration;
        this.questions = List.copyOf(questions);
        this.answerable = indexAnswerable(examId, this.questions);
    }

    private static Map<String, AnswerableQuestion> indexAnswerable(String examId, List<Question> questions) {
        Map<String, AnswerableQuestion> index = new LinkedHashMap<>();
        Set<String> allIds = new HashSet<>();
        for (Question question : questions) {
            if (!allIds.add(question.id())) {
                throw invalid("Exam " + examId + " uses the question id '" + question.id() + "' twice.");
            }
            switch (question) {
                case AnswerableQuestion q -> index.put(q.id(), q);
                case KeyFeaturesCase c ->
                    c.questions().forEach(q -> {
                        if (!allIds.add(q.id())) {
                            throw invalid("Exam " + examId + " uses the question id '" + q.id() + "' twice.");
                        }
                        index.put(q.id(), q);
                    });
            }
        }
        return index;
    }

    private static DomainException invalid(String message) {
        return DomainException.invalid("INVALID_EXAM_CONTENT", message);
    }

    public String examId() {
        return examId;
    }

    public int version() {
        return version;
    }

    public String title() {
        return title;
    }

    public Duration duration() {
        return duration;
    }

    /** Questions in exam order, cases with their sub-questions. */
    public List<Question> questions() {
        return questions;
    }

    /** The question a candidate answers under this id: a top-level question or a case's sub-question. */
    public Optional<AnswerableQuestion> answerable(String questionId) {
        return Optional.ofNullable(answerable.get(questionId));
    }

    /** How many questions a candidate answers. */
    public int answerableCount() {
        return answerable.size();
    }

    /** The question with this id, refused with INVALID_ARGUMENT if the exam has none. */
    public AnswerableQuestion requireAnswerable(String questionId) {
        return answerable(questionId)
                .orElseThrow(() -> DomainException.invalidAnswer(
                        questionId,
                        "Exam %s version %d has no question %s.".formatted(examId, version, Inputs.quote(questionId))));
    }
}
