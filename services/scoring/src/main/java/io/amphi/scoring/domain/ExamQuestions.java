package io.amphi.scoring.domain;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The questions of a published content version, as far as a key must match them. */
public interface ExamQuestions {

    /**
     * One question: its id, its kind as the exam format names it, its option ids (choice kinds)
     * and its own questions (a key-features case).
     */
    record Shape(String id, String kind, Set<String> optionIds, List<Shape> parts) {}

    Optional<List<Shape>> of(String examId, int contentVersion);
}
