package io.amphi.delivery.api;

import java.util.List;

/** A candidate's answer to one question; which variant fits depends on the question's kind. */
public sealed interface Answer {

    /** Options chosen, for single best answer and multiple response questions. */
    record Choices(List<String> optionIds) implements Answer {
        public Choices {
            optionIds = List.copyOf(optionIds);
        }
    }

    /** Free text, for short answer questions. */
    record Text(String text) implements Answer {}

    /** A point from -2 to +2 on a script concordance scale. */
    record Likert(int value) implements Answer {}

    /** An earlier answer withdrawn. */
    record Cleared() implements Answer {}
}
