package io.amphi.delivery.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The published event names are a contract with every log already written, scoring, the audit
 * tool and the second verifier: they are pinned here, one by one. Renaming an event class keeps
 * its entry in {@link PublishedEvents} and passes; dropping or changing a name fails.
 */
class PublishedEventsTest {

    /** Records in {@link Events} that are parts of events, never stored on their own. */
    private static final Set<Class<?>> PARTS =
            Set.of(Events.OfflineAnswer.class, Events.SealedSession.class, Events.PublishedQuestion.class);

    @Test
    void theNamesLogsHoldNeverChange() {
        assertThat(Set.copyOf(PublishedEvents.NAMES.values()))
                .containsExactlyInAnyOrder(
                        "io.amphi.delivery.api.Events$SessionStarted",
                        "io.amphi.delivery.api.Events$AnswerSaved",
                        "io.amphi.delivery.api.Events$QuestionFlagged",
                        "io.amphi.delivery.api.Events$QuestionUnflagged",
                        "io.amphi.delivery.api.Events$TimeExtended",
                        "io.amphi.delivery.api.Events$SessionPaused",
                        "io.amphi.delivery.api.Events$SessionUnpaused",
                        "io.amphi.delivery.api.Events$SessionSubmitted",
                        "io.amphi.delivery.api.Events$OfflineAnswersUploaded",
                        "io.amphi.delivery.api.Events$OfflineAnswersAccepted",
                        "io.amphi.delivery.api.Events$OfflineAnswersRejected",
                        "io.amphi.delivery.api.Events$ExamSealed",
                        "io.amphi.delivery.api.Events$ExamContentPublished");
    }

    @Test
    void everyEventHasAPublishedName() {
        Set<Class<?>> events = Arrays.stream(Events.class.getDeclaredClasses())
                .filter(Class::isRecord)
                .filter(type -> !PARTS.contains(type))
                .collect(Collectors.toSet());
        assertThat(PublishedEvents.NAMES.keySet())
                .as("a new event gets its name in PublishedEvents")
                .containsExactlyInAnyOrderElementsOf(events);
    }

    @Test
    void anEventThatIsNotPublishedHasNoName() {
        assertThatThrownBy(() -> PublishedEvents.nameOf(Events.SealedSession.class))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
