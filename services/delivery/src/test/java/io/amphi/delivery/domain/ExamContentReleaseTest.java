package io.amphi.delivery.domain;

import static org.axonframework.test.matchers.Matchers.predicate;

import io.amphi.delivery.api.Commands.AnnounceExamContent;
import io.amphi.delivery.api.Events.ExamContentPublished;
import io.amphi.delivery.api.Events.PublishedQuestion;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.DomainException.Kind;
import java.time.Instant;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A content version's announcement, given/when/then. */
class ExamContentReleaseTest {

    private static final String EXAM = "edn-2026";
    private static final String RELEASE = ExamContentPublished.releaseId(EXAM, 3);
    private static final Instant NOW = Instant.parse("2026-06-01T08:00:00Z");
    private static final String SHA = "ab".repeat(32);
    private static final List<PublishedQuestion> QUESTIONS = List.of(
            new PublishedQuestion("q1", "single-best-answer", List.of("A", "B", "C"), List.of()),
            new PublishedQuestion(
                    "case-1",
                    "key-features-case",
                    List.of(),
                    List.of(new PublishedQuestion("case-1-a", "short-text", List.of(), List.of()))));

    private AggregateTestFixture<ExamContentRelease> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ExamContentRelease.class);
        fixture.registerInjectableResource(new MutableClock(NOW));
    }

    private static Matcher<?> refusal(Kind kind, String reason) {
        return predicate((Object e) -> e instanceof DomainException de
                && de.kind() == kind
                && de.reason().equals(reason));
    }

    @Test
    void announcesAVersionWithItsQuestions() {
        fixture.givenNoPriorActivity()
                .when(new AnnounceExamContent(RELEASE, EXAM, 3, SHA, QUESTIONS))
                .expectEvents(new ExamContentPublished(EXAM, 3, SHA, QUESTIONS, NOW));
    }

    @Test
    void announcingTheSameFileAgainChangesNothing() {
        fixture.given(new ExamContentPublished(EXAM, 3, SHA, QUESTIONS, NOW.minusSeconds(60)))
                .when(new AnnounceExamContent(RELEASE, EXAM, 3, SHA, QUESTIONS))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void otherContentUnderAnAnnouncedVersionIsRefused() {
        fixture.given(new ExamContentPublished(EXAM, 3, SHA, QUESTIONS, NOW.minusSeconds(60)))
                .when(new AnnounceExamContent(RELEASE, EXAM, 3, "cd".repeat(32), QUESTIONS))
                .expectNoEvents()
                .expectException(refusal(Kind.PRECONDITION_FAILED, "VERSION_ALREADY_PUBLISHED"));
    }

    @Test
    void aReleaseIdThatNamesAnotherVersionIsRefused() {
        fixture.givenNoPriorActivity()
                .when(new AnnounceExamContent(ExamContentPublished.releaseId(EXAM, 4), EXAM, 3, SHA, QUESTIONS))
                .expectNoEvents()
                .expectException(refusal(Kind.INVALID_INPUT, "RELEASE_ID_MISMATCH"));
    }
}
