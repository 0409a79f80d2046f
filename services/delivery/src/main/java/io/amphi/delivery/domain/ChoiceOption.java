package io.amphi.delivery.domain;

/** One option of a choice question. */
public record ChoiceOption(String id, String text) {}
