package io.amphi.delivery.domain;

/**
 * One item of an exam. A new kind of question is one new record implementing this interface
 * (and {@link AnswerableQuestion} if candidates answer it directly), validated in its constructor.
 */
public sealed interface Question permits AnswerableQuestion, KeyFeaturesCase {

    /** Unique within its exam version. */
    String id();
}
