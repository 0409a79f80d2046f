package io.amphi.delivery.domain;

import static org.axonframework.test.matchers.Matchers.predicate;
import static org.hamcrest.Matchers.containsString;

import io.amphi.delivery.api.Commands.SealExam;
import io.amphi.delivery.api.Events.ExamSealed;
import io.amphi.delivery.api.Events.SealedSession;
import io.amphi.delivery.api.Results.SealResult;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.MerkleTree;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.DomainException.Kind;
import java.time.Instant;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The exam's seal, given/when/then. */
class ExamTest {

    private static final String EXAM = "edn-2026";
    private static final Instant NOW = Instant.parse("2026-06-15T13:00:00Z");
    private static final List<SealedSession> SESSIONS = List.of(
            new SealedSession(EXAM + ":C00001", 121, "11".repeat(32)),
            new SealedSession(EXAM + ":C00002", 87, "22".repeat(32)));
    private static final String ROOT = root(SESSIONS);

    private AggregateTestFixture<Exam> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Exam.class);
        fixture.registerInjectableResource(new MutableClock(NOW));
    }

    private static String root(List<SealedSession> sessions) {
        return EventHashes.hex(MerkleTree.root(sessions.stream()
                .map(s -> new MerkleTree.Leaf(s.sessionId(), s.lastSequence(), EventHashes.fromHex(s.finalHash())))
                .toList()));
    }

    private static Matcher<?> refusal(Kind kind, String reason) {
        return predicate((Object e) -> e instanceof DomainException de
                && de.kind() == kind
                && de.reason().equals(reason));
    }

    @Test
    void sealsWithTheRootOfItsSessions() {
        fixture.givenNoPriorActivity()
                .when(new SealExam(EXAM, SESSIONS, "univ-paris"))
                .expectEvents(new ExamSealed(EXAM, ROOT, SESSIONS, NOW, "univ-paris"))
                .expectResultMessagePayload(new SealResult(EXAM, ROOT, 2, NOW, false));
    }

    @Test
    void sealingAgainWithTheSameRootAnswersTheSameSeal() {
        fixture.given(new ExamSealed(EXAM, ROOT, SESSIONS, NOW.minusSeconds(60), "univ-paris"))
                .when(new SealExam(EXAM, SESSIONS, "univ-paris"))
                .expectNoEvents()
                .expectResultMessagePayload(new SealResult(EXAM, ROOT, 2, NOW.minusSeconds(60), true));
    }

    @Test
    void aLogThatChangedAfterSealingIsRefused() {
        List<SealedSession> changed =
                List.of(SESSIONS.getFirst(), new SealedSession(EXAM + ":C00002", 88, "33".repeat(32)));
        fixture.given(new ExamSealed(EXAM, ROOT, SESSIONS, NOW.minusSeconds(60), "univ-paris"))
                .when(new SealExam(EXAM, changed, "univ-paris"))
                .expectNoEvents()
                .expectExceptionMessage(containsString("changed after sealing"))
                .expectException(refusal(Kind.PRECONDITION_FAILED, "ALREADY_SEALED"));
    }

    @Test
    void aSessionGivenTwiceIsRefused() {
        fixture.givenNoPriorActivity()
                .when(new SealExam(EXAM, List.of(SESSIONS.getFirst(), SESSIONS.getFirst()), "univ-paris"))
                .expectNoEvents()
                .expectException(refusal(Kind.INVALID_INPUT, "BAD_SEAL"));
    }

    @Test
    void aSessionOfAnotherExamIsRefused() {
        List<SealedSession> foreign = List.of(new SealedSession("other-exam:C00001", 3, "44".repeat(32)));
        fixture.givenNoPriorActivity()
                .when(new SealExam(EXAM, foreign, "univ-paris"))
                .expectNoEvents()
                .expectException(refusal(Kind.INVALID_INPUT, "BAD_SEAL"));
    }
}
