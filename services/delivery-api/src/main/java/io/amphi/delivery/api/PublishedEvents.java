package io.amphi.delivery.api;

import static java.util.Map.entry;

import io.amphi.delivery.api.Events.AnswerSaved;
import io.amphi.delivery.api.Events.ExamContentPublished;
import io.amphi.delivery.api.Events.ExamSealed;
import io.amphi.delivery.api.Events.OfflineAnswersAccepted;
import io.amphi.delivery.api.Events.OfflineAnswersRejected;
import io.amphi.delivery.api.Events.OfflineAnswersUploaded;
import io.amphi.delivery.api.Events.QuestionFlagged;
import io.amphi.delivery.api.Events.QuestionUnflagged;
import io.amphi.delivery.api.Events.SessionPaused;
import io.amphi.delivery.api.Events.SessionStarted;
import io.amphi.delivery.api.Events.SessionSubmitted;
import io.amphi.delivery.api.Events.SessionUnpaused;
import io.amphi.delivery.api.Events.TimeExtended;
import java.util.Map;

/**
 * The published type name of each of delivery's events: what the event store's
 * {@code payload_type} holds, what scoring, the audit tool and the second verifier match on
 * (AUDIT-FORMAT.md §10). A name is fixed forever, since logs already hold it: a class may be
 * renamed or moved, and its entry here keeps its name. The names read like the classes' first
 * names because those are what the first logs hold; they are names, not class names.
 */
public final class PublishedEvents {

    private static final String PREFIX = "io.amphi.delivery.api.Events$";

    /** Every published event and its name. */
    public static final Map<Class<?>, String> NAMES = Map.ofEntries(
            entry(SessionStarted.class, PREFIX + "SessionStarted"),
            entry(AnswerSaved.class, PREFIX + "AnswerSaved"),
            entry(QuestionFlagged.class, PREFIX + "QuestionFlagged"),
            entry(QuestionUnflagged.class, PREFIX + "QuestionUnflagged"),
            entry(TimeExtended.class, PREFIX + "TimeExtended"),
            entry(SessionPaused.class, PREFIX + "SessionPaused"),
            entry(SessionUnpaused.class, PREFIX + "SessionUnpaused"),
            entry(SessionSubmitted.class, PREFIX + "SessionSubmitted"),
            entry(OfflineAnswersUploaded.class, PREFIX + "OfflineAnswersUploaded"),
            entry(OfflineAnswersAccepted.class, PREFIX + "OfflineAnswersAccepted"),
            entry(OfflineAnswersRejected.class, PREFIX + "OfflineAnswersRejected"),
            entry(ExamSealed.class, PREFIX + "ExamSealed"),
            entry(ExamContentPublished.class, PREFIX + "ExamContentPublished"));

    private PublishedEvents() {}

    /** The published name of an event; a class that is not a published event is a programming error. */
    public static String nameOf(Class<?> event) {
        String name = NAMES.get(event);
        if (name == null) {
            throw new IllegalArgumentException(event.getName() + " is not one of delivery's published events");
        }
        return name;
    }
}
