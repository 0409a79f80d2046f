package io.amphi.delivery.domain;

import static org.axonframework.test.matchers.Matchers.predicate;

import io.amphi.delivery.api.Answer;
import io.amphi.delivery.api.Commands.DecideOfflineAnswers;
import io.amphi.delivery.api.Commands.DescribeOfflineJournals;
import io.amphi.delivery.api.Commands.DescribeSession;
import io.amphi.delivery.api.Commands.ExtendTime;
import io.amphi.delivery.api.Commands.FlagQuestion;
import io.amphi.delivery.api.Commands.PauseSession;
import io.amphi.delivery.api.Commands.SaveAnswer;
import io.amphi.delivery.api.Commands.StartSession;
import io.amphi.delivery.api.Commands.SubmitOnDeadline;
import io.amphi.delivery.api.Commands.SubmitSession;
import io.amphi.delivery.api.Commands.UnpauseSession;
import io.amphi.delivery.api.Commands.UploadOfflineAnswers;
import io.amphi.delivery.api.Events.AnswerSaved;
import io.amphi.delivery.api.Events.OfflineAnswer;
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
import io.amphi.delivery.api.Results.FlagResult;
import io.amphi.delivery.api.Results.JournalDecision;
import io.amphi.delivery.api.Results.OfflineJournal;
import io.amphi.delivery.api.Results.PauseResult;
import io.amphi.delivery.api.Results.SaveOutcome;
import io.amphi.delivery.api.Results.SaveResult;
import io.amphi.delivery.api.Results.StartResult;
import io.amphi.delivery.api.SessionIds;
import io.amphi.delivery.api.SessionView;
import io.amphi.delivery.api.SubmissionCause;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.DomainException.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every command of the exam session and every refusal, given/when/then. */
class ExamSessionTest {

    private static final String EXAM = SampleExam.EXAM_ID;
    private static final String CANDIDATE = "cand-001";
    private static final String SESSION = SessionIds.of(EXAM, CANDIDATE);
    private static final Instant OPENS = Instant.parse("2026-06-15T06:30:00Z");
    private static final Instant CLOSES = Instant.parse("2026-06-15T08:00:00Z");
    private static final Instant START = Instant.parse("2026-06-15T07:00:00Z");
    private static final Instant DEADLINE = START.plus(Duration.ofHours(2));

    private final MutableClock clock = new MutableClock(START);
    private final InMemoryExamCatalog catalog = new InMemoryExamCatalog()
            .publish(SampleExam.content())
            .schedule(EXAM, new ExamSchedule(OPENS, CLOSES))
            .enrol(EXAM, CANDIDATE, Duration.ZERO)
            .enrol(EXAM, "cand-slow", Duration.ofMinutes(40));
    private AggregateTestFixture<ExamSession> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ExamSession.class);
        fixture.registerInjectableResource(catalog);
        fixture.registerInjectableResource(clock);
    }

    private static SessionStarted started() {
        return new SessionStarted(SESSION, EXAM, 1, CANDIDATE, START, Duration.ZERO, DEADLINE);
    }

    private static AnswerSaved saved(String questionId, long number, Answer answer) {
        return new AnswerSaved(SESSION, questionId, number, answer, START.plusSeconds(number));
    }

    private static Matcher<?> refusal(Kind kind, String reason) {
        return predicate((Object e) -> e instanceof DomainException de
                && de.kind() == kind
                && de.reason().equals(reason));
    }

    private static Answer.Choices choose(String... options) {
        return new Answer.Choices(List.of(options));
    }

    @Nested
    class StartSessionCommand {

        @Test
        void startsWithTheServerDeadline() {
            fixture.givenNoPriorActivity()
                    .when(new StartSession(SESSION, EXAM, CANDIDATE))
                    .expectEvents(started())
                    .expectResultMessagePayloadMatching(predicate((StartResult r) -> !r.alreadyStarted()
                            && r.session().deadline().equals(DEADLINE)
                            && r.session().remaining().equals(Duration.ofHours(2))));
        }

        @Test
        void addsTheCandidatesExtraTimeToTheDeadline() {
            String slowSession = SessionIds.of(EXAM, "cand-slow");
            fixture.givenNoPriorActivity()
                    .when(new StartSession(slowSession, EXAM, "cand-slow"))
                    .expectEvents(new SessionStarted(
                            slowSession,
                            EXAM,
                            1,
                            "cand-slow",
                            START,
                            Duration.ofMinutes(40),
                            DEADLINE.plus(Duration.ofMinutes(40))));
        }

        @Test
        void startingAgainChangesNothing() {
            clock.advance(Duration.ofMinutes(10));
            fixture.given(started())
                    .when(new StartSession(SESSION, EXAM, CANDIDATE))
                    .expectNoEvents()
                    .expectResultMessagePayloadMatching(predicate((StartResult r) ->
                            r.alreadyStarted() && r.session().deadline().equals(DEADLINE)));
        }

        @Test
        void refusedBeforeTheWindowOpens() {
            clock.set(OPENS.minusSeconds(1));
            fixture.givenNoPriorActivity()
                    .when(new StartSession(SESSION, EXAM, CANDIDATE))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "NOT_OPEN_YET"));
        }

        @Test
        void refusedAfterTheWindowCloses() {
            clock.set(CLOSES.plusSeconds(1));
            fixture.givenNoPriorActivity()
                    .when(new StartSession(SESSION, EXAM, CANDIDATE))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "CLOSED"));
        }

        @Test
        void refusedOnceTheExamIsSealed() {
            catalog.seal(EXAM);
            fixture.givenNoPriorActivity()
                    .when(new StartSession(SESSION, EXAM, CANDIDATE))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "SEALED"));
        }

        @Test
        void refusedToACandidateWhoIsNotEnrolled() {
            fixture.givenNoPriorActivity()
                    .when(new StartSession(SessionIds.of(EXAM, "intruder"), EXAM, "intruder"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.FORBIDDEN, "NOT_ENROLLED"));
        }

        @Test
        void refusedForAnUnknownExam() {
            fixture.givenNoPriorActivity()
                    .when(new StartSession(SessionIds.of("nope", CANDIDATE), "nope", CANDIDATE))
                    .expectNoEvents()
                    .expectException(refusal(Kind.NOT_FOUND, "UNKNOWN_EXAM"));
        }

        @Test
        void refusedForAnExamWithoutSchedule() {
            catalog.publish(new ExamContent(
                            "unscheduled", 1, "U", Duration.ofHours(1), List.of(new ShortText("q1", "?", 10))))
                    .enrol("unscheduled", CANDIDATE, Duration.ZERO);
            fixture.givenNoPriorActivity()
                    .when(new StartSession(SessionIds.of("unscheduled", CANDIDATE), "unscheduled", CANDIDATE))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "NOT_SCHEDULED"));
        }

        @Test
        void refusedWhenTheSessionIdIsNotTheCandidates() {
            fixture.givenNoPriorActivity()
                    .when(new StartSession(SessionIds.of(EXAM, "cand-slow"), EXAM, CANDIDATE))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_SESSION_ID"));
        }
    }

    @Nested
    class SaveAnswerCommand {

        @Test
        void storesAnAnswerOfEveryKind() {
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q1", 1, choose("B")))
                    .expectEvents(new AnswerSaved(SESSION, "q1", 1, choose("B"), START))
                    .expectResultMessagePayload(new SaveResult(1, SaveOutcome.APPLIED, Duration.ofHours(2)));
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q2", 1, choose("A", "C", "D")))
                    .expectEvents(new AnswerSaved(SESSION, "q2", 1, choose("A", "C", "D"), START));
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q3", 1, new Answer.Text("adrénaline")))
                    .expectEvents(new AnswerSaved(SESSION, "q3", 1, new Answer.Text("adrénaline"), START));
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "case1.q2", 1, new Answer.Text("heparin")))
                    .expectEvents(new AnswerSaved(SESSION, "case1.q2", 1, new Answer.Text("heparin"), START));
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q5", 1, new Answer.Likert(-2)))
                    .expectEvents(new AnswerSaved(SESSION, "q5", 1, new Answer.Likert(-2), START));
            fixture.given(started(), saved("q1", 1, choose("B")))
                    .when(new SaveAnswer(SESSION, "q1", 2, new Answer.Cleared()))
                    .expectEvents(new AnswerSaved(SESSION, "q1", 2, new Answer.Cleared(), START));
        }

        @Test
        void aResendOfTheSameSaveIsAcknowledgedWithoutANewEvent() {
            fixture.given(started(), saved("q1", 1, choose("B")), saved("q2", 2, choose("A")))
                    .when(new SaveAnswer(SESSION, "q1", 1, choose("B")))
                    .expectNoEvents()
                    .expectResultMessagePayload(new SaveResult(1, SaveOutcome.DUPLICATE, Duration.ofHours(2)));
        }

        @Test
        void anOlderSaveNeverOverwritesANewerOne() {
            fixture.given(started(), saved("q1", 5, choose("C")))
                    .when(new SaveAnswer(SESSION, "q1", 4, choose("A")))
                    .expectNoEvents()
                    .expectResultMessagePayload(new SaveResult(4, SaveOutcome.SUPERSEDED, Duration.ofHours(2)));
        }

        @Test
        void anOlderSaveOfAnotherQuestionStillCounts() {
            fixture.given(started(), saved("q1", 5, choose("C")))
                    .when(new SaveAnswer(SESSION, "q2", 4, choose("A")))
                    .expectEvents(new AnswerSaved(SESSION, "q2", 4, choose("A"), START));
        }

        @Test
        void aSaveNumberReusedForAnotherQuestionIsRefused() {
            fixture.given(started(), saved("q1", 1, choose("C")))
                    .when(new SaveAnswer(SESSION, "q2", 1, choose("A")))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"))
                    .expectExceptionMessage("Save number 1 was already used for question q1; number each save anew.");
        }

        @Test
        void refusesAnOptionThatDoesNotExist() {
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q1", 1, choose("Z")))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"))
                    .expectExceptionMessage("Question q1 has no option 'Z' (its options are A, B, C, D, E).");
        }

        @Test
        void refusesTwoOptionsOnASingleBestAnswer() {
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q1", 1, choose("A", "B")))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"))
                    .expectExceptionMessage(
                            "Question q1 is a single best answer question: choose exactly one option, not 2 (A, B).");
        }

        @Test
        void refusesAnOptionChosenTwice() {
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q2", 1, choose("A", "A")))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"));
        }

        @Test
        void refusesNoOptionOnAMultipleResponse() {
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q2", 1, choose()))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"));
        }

        @Test
        void refusesTextOverTheLimit() {
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q3", 1, new Answer.Text("x".repeat(21))))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"))
                    .expectExceptionMessage("Question q3 accepts at most 20 characters; this answer has 21.");
        }

        @Test
        void countsCharactersNotBytes() {
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q3", 1, new Answer.Text("é".repeat(20))))
                    .expectEvents(new AnswerSaved(SESSION, "q3", 1, new Answer.Text("é".repeat(20)), START));
        }

        @Test
        void refusesALikertValueOutOfRange() {
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q5", 1, new Answer.Likert(3)))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"))
                    .expectExceptionMessage("Question q5 takes a value from -2 to +2, not 3.");
        }

        @Test
        void refusesAnAnswerOfTheWrongKind() {
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q5", 1, choose("A")))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"))
                    .expectExceptionMessage(
                            "Question q5 is a script concordance question: send a scale value from -2 to +2, not chosen options.");
        }

        @Test
        void refusesAnUnknownQuestion() {
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q99", 1, choose("A")))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"));
        }

        @Test
        void refusesACaseAsIfItWereAQuestion() {
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "case1", 1, new Answer.Text("x")))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"));
        }

        @Test
        void refusesASaveNumberBelowOne() {
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q1", 0, choose("A")))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"));
        }

        @Test
        void acceptsTheHighestSaveNumberAndNothingAbove() {
            long almost = AnswerSheet.MAX_SAVE_NUMBER - 10;
            fixture.given(started(), saved("q2", almost, choose("A")))
                    .when(new SaveAnswer(SESSION, "q1", AnswerSheet.MAX_SAVE_NUMBER, choose("A")))
                    .expectEvents(new AnswerSaved(SESSION, "q1", AnswerSheet.MAX_SAVE_NUMBER, choose("A"), START));
            fixture.given(started(), saved("q2", almost, choose("A")))
                    .when(new SaveAnswer(SESSION, "q1", AnswerSheet.MAX_SAVE_NUMBER + 1, choose("A")))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"))
                    .expectExceptionMessage("Save numbers run from 1 to 9007199254740991; got 9007199254740992.");
        }

        @Test
        void refusesASaveNumberedFarAheadOfTheSession() {
            fixture.given(started(), saved("q2", 7, choose("A")))
                    .when(new SaveAnswer(SESSION, "q1", 7 + AnswerSheet.LONGEST_SAVE_NUMBER_JUMP + 1, choose("A")))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"))
                    .expectExceptionMessage("Save 1000008 is more than 1000000 above the highest save so far (7): "
                            + "number saves one after another.");
            fixture.given(started(), saved("q2", 7, choose("A")))
                    .when(new SaveAnswer(SESSION, "q1", 7 + AnswerSheet.LONGEST_SAVE_NUMBER_JUMP, choose("A")))
                    .expectEvents(new AnswerSaved(
                            SESSION, "q1", 7 + AnswerSheet.LONGEST_SAVE_NUMBER_JUMP, choose("A"), START));
        }

        @Test
        void aSessionAtTheHighestSaveNumberStillSavesOtherQuestions() {
            fixture.given(started(), saved("q1", AnswerSheet.MAX_SAVE_NUMBER, choose("A")))
                    .when(new SaveAnswer(SESSION, "q2", 7, choose("B")))
                    .expectEvents(new AnswerSaved(SESSION, "q2", 7, choose("B"), START));
        }

        @Test
        void acceptsASaveInFlightWithinTheGrace() {
            clock.set(DEADLINE.plus(ExamSession.SAVE_GRACE));
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q1", 1, choose("A")))
                    .expectEvents(new AnswerSaved(SESSION, "q1", 1, choose("A"), DEADLINE.plus(ExamSession.SAVE_GRACE)))
                    .expectResultMessagePayload(new SaveResult(1, SaveOutcome.APPLIED, Duration.ZERO));
        }

        @Test
        void refusedAfterTheDeadlineAndGrace() {
            clock.set(DEADLINE.plus(ExamSession.SAVE_GRACE).plusMillis(1));
            fixture.given(started())
                    .when(new SaveAnswer(SESSION, "q1", 1, choose("A")))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "DEADLINE_PASSED"));
        }

        @Test
        void refusedAfterSubmission() {
            fixture.given(
                            started(),
                            new SessionSubmitted(
                                    SESSION, SubmissionCause.CANDIDATE, START.plusSeconds(60), START.plusSeconds(60)))
                    .when(new SaveAnswer(SESSION, "q1", 1, choose("A")))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "SUBMITTED"));
        }
    }

    @Nested
    class FlagQuestionCommand {

        @Test
        void flagsAndUnflags() {
            fixture.given(started())
                    .when(new FlagQuestion(SESSION, "q2", true))
                    .expectEvents(new QuestionFlagged(SESSION, "q2", START))
                    .expectResultMessagePayload(new FlagResult(true, true));
            fixture.given(started(), new QuestionFlagged(SESSION, "q2", START))
                    .when(new FlagQuestion(SESSION, "q2", false))
                    .expectEvents(new QuestionUnflagged(SESSION, "q2", START))
                    .expectResultMessagePayload(new FlagResult(false, true));
        }

        @Test
        void flaggingTwiceChangesNothing() {
            fixture.given(started(), new QuestionFlagged(SESSION, "q2", START))
                    .when(new FlagQuestion(SESSION, "q2", true))
                    .expectNoEvents()
                    .expectResultMessagePayload(new FlagResult(true, false));
        }

        @Test
        void refusesAnUnknownQuestion() {
            fixture.given(started())
                    .when(new FlagQuestion(SESSION, "nope", true))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"));
        }

        @Test
        void refusedAfterSubmission() {
            fixture.given(started(), new SessionSubmitted(SESSION, SubmissionCause.CANDIDATE, START, START))
                    .when(new FlagQuestion(SESSION, "q1", true))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "SUBMITTED"));
        }
    }

    @Nested
    class ExtendTimeCommand {

        @Test
        void movesTheDeadline() {
            fixture.given(started())
                    .when(new ExtendTime(SESSION, Duration.ofMinutes(15), " power cut in room 3 ", "proctor-7"))
                    .expectEvents(new TimeExtended(
                            SESSION,
                            Duration.ofMinutes(15),
                            "power cut in room 3",
                            "proctor-7",
                            START,
                            DEADLINE.plus(Duration.ofMinutes(15))))
                    .expectResultMessagePayloadMatching(
                            predicate((SessionView v) -> v.remaining().equals(Duration.ofMinutes(135))));
        }

        @Test
        void grantsOnlyWhileTheDeadlineIsTheOneTheProctorSaw() {
            Instant heldToTheNanosecond = DEADLINE.plusNanos(999_999_700);
            Instant shownRoundedUp = DEADLINE.plusSeconds(1);
            fixture.given(new SessionStarted(SESSION, EXAM, 1, CANDIDATE, START, Duration.ZERO, heldToTheNanosecond))
                    .when(new ExtendTime(SESSION, Duration.ofMinutes(15), "power cut", "proctor-7", shownRoundedUp))
                    .expectEvents(new TimeExtended(
                            SESSION,
                            Duration.ofMinutes(15),
                            "power cut",
                            "proctor-7",
                            START,
                            heldToTheNanosecond.plus(Duration.ofMinutes(15))));
            fixture.given(
                            started(),
                            new TimeExtended(
                                    SESSION,
                                    Duration.ofMinutes(15),
                                    "power cut",
                                    "proctor-7",
                                    START,
                                    DEADLINE.plus(Duration.ofMinutes(15))))
                    .when(new ExtendTime(SESSION, Duration.ofMinutes(15), "power cut", "proctor-7", DEADLINE))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "DEADLINE_CHANGED"));
        }

        @Test
        void refusesANonPositiveOrHugeExtension() {
            fixture.given(started())
                    .when(new ExtendTime(SESSION, Duration.ZERO, "r", "p"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_EXTENSION"));
            fixture.given(started())
                    .when(new ExtendTime(SESSION, Duration.ofMinutes(-5), "r", "p"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_EXTENSION"));
            fixture.given(started())
                    .when(new ExtendTime(SESSION, Duration.ofHours(25), "r", "p"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_EXTENSION"));
        }

        @Test
        void refusesAnExtensionWithoutReason() {
            fixture.given(started())
                    .when(new ExtendTime(SESSION, Duration.ofMinutes(5), "  ", "p"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "MISSING_REASON"));
        }

        @Test
        void refusesAReasonLongerThanTheLogKeeps() {
            fixture.given(started())
                    .when(new ExtendTime(SESSION, Duration.ofMinutes(5), "x".repeat(501), "p"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "TOO_LONG"));
        }

        @Test
        void refusedOnceTimeRanOut() {
            clock.set(DEADLINE.plus(Duration.ofMinutes(1)));
            fixture.given(started())
                    .when(new ExtendTime(SESSION, Duration.ofMinutes(5), "late", "p"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "DEADLINE_PASSED"));
        }

        @Test
        void refusedAfterSubmission() {
            fixture.given(started(), new SessionSubmitted(SESSION, SubmissionCause.CANDIDATE, START, START))
                    .when(new ExtendTime(SESSION, Duration.ofMinutes(5), "r", "p"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "SUBMITTED"));
        }
    }

    @Nested
    class PauseAndUnpauseCommands {

        private final Instant pausedAt = START.plus(Duration.ofMinutes(5));

        private SessionPaused paused() {
            return new SessionPaused(SESSION, "fire alarm", "proctor-7", pausedAt);
        }

        @Test
        void aPauseStopsTheClockWithTheProctorAndTheReason() {
            clock.set(pausedAt);
            fixture.given(started())
                    .when(new PauseSession(SESSION, " fire alarm ", "proctor-7"))
                    .expectEvents(paused())
                    .expectResultMessagePayloadMatching(predicate((PauseResult r) -> r.changed()
                            && r.session().paused()
                            && r.session().remaining().equals(Duration.ofMinutes(115))));
        }

        @Test
        void whilePausedTheRemainingTimeStandsStill() {
            clock.set(pausedAt.plus(Duration.ofMinutes(30)));
            fixture.given(started(), paused())
                    .when(new DescribeSession(SESSION))
                    .expectResultMessagePayloadMatching(
                            predicate((SessionView v) -> v.remaining().equals(Duration.ofMinutes(115))
                                    && v.pausedAt().equals(pausedAt)));
        }

        @Test
        void pausingAgainChangesNothing() {
            clock.set(pausedAt.plus(Duration.ofMinutes(1)));
            fixture.given(started(), paused())
                    .when(new PauseSession(SESSION, "again", "proctor-8"))
                    .expectNoEvents()
                    .expectResultMessagePayloadMatching(predicate((PauseResult r) -> !r.changed()));
        }

        @Test
        void goingOnMovesTheDeadlineByExactlyThePausedTime() {
            Instant unpausedAt = pausedAt.plus(Duration.ofMinutes(7)).plusMillis(250);
            clock.set(unpausedAt);
            fixture.given(started(), paused())
                    .when(new UnpauseSession(SESSION, "all clear", "proctor-7"))
                    .expectEvents(new SessionUnpaused(
                            SESSION,
                            "all clear",
                            "proctor-7",
                            unpausedAt,
                            Duration.ofMinutes(7).plusMillis(250),
                            DEADLINE.plus(Duration.ofMinutes(7)).plusMillis(250)))
                    .expectResultMessagePayloadMatching(predicate((PauseResult r) -> r.changed()
                            && !r.session().paused()
                            && r.session().remaining().equals(Duration.ofMinutes(115))));
        }

        @Test
        void goingOnWhenNotPausedChangesNothing() {
            fixture.given(started())
                    .when(new UnpauseSession(SESSION, "all clear", "proctor-7"))
                    .expectNoEvents()
                    .expectResultMessagePayloadMatching(predicate((PauseResult r) -> !r.changed()));
        }

        @Test
        void noAnswerNorFlagIsTakenWhilePaused() {
            clock.set(pausedAt.plusSeconds(10));
            fixture.given(started(), paused())
                    .when(new SaveAnswer(SESSION, "q1", 1, choose("B")))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "PAUSED"));
            fixture.given(started(), paused())
                    .when(new FlagQuestion(SESSION, "q1", true))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "PAUSED"));
        }

        @Test
        void aPausedSessionIsNeverSubmittedOnTimeEvenLongAfterItsDeadline() {
            clock.set(DEADLINE.plus(Duration.ofHours(1)));
            fixture.given(started(), paused())
                    .when(new SubmitOnDeadline(SESSION))
                    .expectNoEvents()
                    .expectResultMessagePayload(false);
        }

        @Test
        void aCandidateWhoSubmitsWhilePausedSubmitsAsCandidate() {
            Instant now = DEADLINE.plus(Duration.ofMinutes(30));
            clock.set(now);
            fixture.given(started(), paused())
                    .when(new SubmitSession(SESSION))
                    .expectEvents(new SessionSubmitted(SESSION, SubmissionCause.CANDIDATE, now, now));
        }

        @Test
        void aProctorExtendsAPausedSession() {
            clock.set(pausedAt.plus(Duration.ofMinutes(3)));
            fixture.given(started(), paused())
                    .when(new ExtendTime(SESSION, Duration.ofMinutes(10), "accommodation", "proctor-7"))
                    .expectEvents(new TimeExtended(
                            SESSION,
                            Duration.ofMinutes(10),
                            "accommodation",
                            "proctor-7",
                            pausedAt.plus(Duration.ofMinutes(3)),
                            DEADLINE.plus(Duration.ofMinutes(10))));
        }

        @Test
        void refusesWithoutReasonAndOnceEnded() {
            fixture.given(started())
                    .when(new PauseSession(SESSION, " ", "proctor-7"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "MISSING_REASON"));
            fixture.given(started(), paused())
                    .when(new UnpauseSession(SESSION, "x".repeat(501), "proctor-7"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "TOO_LONG"));
            clock.set(DEADLINE.plus(Duration.ofMinutes(1)));
            fixture.given(started())
                    .when(new PauseSession(SESSION, "too late", "proctor-7"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "DEADLINE_PASSED"));
            fixture.given(started(), new SessionSubmitted(SESSION, SubmissionCause.CANDIDATE, START, START))
                    .when(new PauseSession(SESSION, "after", "proctor-7"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "SUBMITTED"));
        }
    }

    @Nested
    class SubmitSessionCommand {

        @Test
        void submitsByTheCandidate() {
            clock.advance(Duration.ofMinutes(90));
            fixture.given(started())
                    .when(new SubmitSession(SESSION))
                    .expectEvents(new SessionSubmitted(
                            SESSION,
                            SubmissionCause.CANDIDATE,
                            START.plus(Duration.ofMinutes(90)),
                            START.plus(Duration.ofMinutes(90))))
                    .expectResultMessagePayloadMatching(predicate(
                            (SessionView v) -> v.submitted() && v.remaining().isZero()));
        }

        @Test
        void submittingAgainChangesNothing() {
            fixture.given(started(), new SessionSubmitted(SESSION, SubmissionCause.CANDIDATE, START, START))
                    .when(new SubmitSession(SESSION))
                    .expectNoEvents();
        }

        @Test
        void aSubmissionAfterTheGraceIsRecordedAsTheDeadlines() {
            clock.set(DEADLINE.plus(Duration.ofMinutes(5)));
            fixture.given(started())
                    .when(new SubmitSession(SESSION))
                    .expectEvents(new SessionSubmitted(
                            SESSION, SubmissionCause.DEADLINE, DEADLINE, DEADLINE.plus(Duration.ofMinutes(5))));
        }
    }

    @Nested
    class OfflineJournalCommands {

        private static final String UPLOAD = "a".repeat(64);
        private final Instant submitted = DEADLINE.plus(ExamSession.SAVE_GRACE).plusSeconds(1);
        private final SessionSubmitted onDeadline =
                new SessionSubmitted(SESSION, SubmissionCause.DEADLINE, DEADLINE, submitted);

        private OfflineAnswer entry(String questionId, long number, Answer answer) {
            return new OfflineAnswer(questionId, number, answer, DEADLINE.minusSeconds(60 - number));
        }

        private OfflineAnswersUploaded uploaded(OfflineAnswer... entries) {
            return new OfflineAnswersUploaded(SESSION, UPLOAD, List.of(entries), "proctor-1", submitted);
        }

        @Test
        void anUploadIsRecordedWithTheProctorAndThePagesTimesAndCountsForNothingYet() {
            clock.set(DEADLINE.plus(Duration.ofMinutes(10)));
            fixture.given(started(), saved("q1", 1, choose("B")), onDeadline)
                    .when(new UploadOfflineAnswers(
                            SESSION,
                            UPLOAD,
                            List.of(entry("q2", 3, choose("A")), entry("q1", 2, choose("C"))),
                            "proctor-1"))
                    .expectEvents(new OfflineAnswersUploaded(
                            SESSION,
                            UPLOAD,
                            List.of(entry("q1", 2, choose("C")), entry("q2", 3, choose("A"))),
                            "proctor-1",
                            DEADLINE.plus(Duration.ofMinutes(10))))
                    .expectResultMessagePayloadMatching(predicate((OfflineJournal j) -> j.changed()
                            && j.decision() == JournalDecision.UNDECIDED
                            && j.applicable().size() == 2))
                    .expectState(session -> {
                        SessionView view = session.describe(clock.instant());
                        if (!view.answers()
                                .equals(List.of(
                                        new SessionView.SavedAnswer("q1", 1, choose("B"), START.plusSeconds(1))))) {
                            throw new AssertionError("An undecided journal changed the answers: " + view.answers());
                        }
                    });
        }

        @Test
        void theSameFileTwiceIsOneUpload() {
            fixture.given(started(), onDeadline, uploaded(entry("q1", 1, choose("A"))))
                    .when(new UploadOfflineAnswers(SESSION, UPLOAD, List.of(entry("q1", 1, choose("A"))), "proctor-2"))
                    .expectNoEvents()
                    .expectResultMessagePayloadMatching(predicate(
                            (OfflineJournal j) -> !j.changed() && j.uploadedBy().equals("proctor-1")));
        }

        @Test
        void refusedUntilTheSessionIsHandedInAtItsDeadline() {
            for (Instant now : List.of(
                    DEADLINE.minusSeconds(1),
                    DEADLINE.plus(ExamSession.SAVE_GRACE).plusSeconds(30))) {
                clock.set(now);
                fixture.given(started())
                        .when(new UploadOfflineAnswers(
                                SESSION, UPLOAD, List.of(entry("q1", 1, choose("A"))), "proctor-1"))
                        .expectNoEvents()
                        .expectException(refusal(Kind.PRECONDITION_FAILED, "SESSION_RUNNING"));
            }
            fixture.given(started(), new SessionSubmitted(SESSION, SubmissionCause.CANDIDATE, START, START))
                    .when(new UploadOfflineAnswers(SESSION, UPLOAD, List.of(entry("q1", 1, choose("A"))), "proctor-1"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "HANDED_IN_BY_CANDIDATE"));
        }

        @Test
        void refusedBeyondTheUploadsASessionMayHave() {
            Object[] history = new Object[2 + ExamSession.MAX_JOURNALS];
            history[0] = started();
            history[1] = onDeadline;
            for (int i = 0; i < ExamSession.MAX_JOURNALS; i++) {
                history[2 + i] = new OfflineAnswersUploaded(
                        SESSION, "%064x".formatted(i), List.of(entry("q1", 1, choose("A"))), "proctor-1", submitted);
            }
            fixture.given(history)
                    .when(new UploadOfflineAnswers(SESSION, UPLOAD, List.of(entry("q1", 1, choose("A"))), "proctor-1"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "TOO_MANY_JOURNALS"));
        }

        @Test
        void describesEveryUploadWithWhereItStands() {
            fixture.given(
                            started(),
                            onDeadline,
                            uploaded(entry("q1", 1, choose("A"))),
                            new OfflineAnswersRejected(SESSION, UPLOAD, "seen online", "proctor-2", submitted))
                    .when(new DescribeOfflineJournals(SESSION))
                    .expectNoEvents()
                    .expectResultMessagePayloadMatching(
                            predicate((List<OfflineJournal> journals) -> journals.size() == 1
                                    && journals.getFirst().decision() == JournalDecision.REJECTED
                                    && journals.getFirst().decidedBy().equals("proctor-2")
                                    && journals.getFirst().deadline().equals(DEADLINE)));
        }

        @Test
        void refusedOnceTheExamIsSealed() {
            catalog.seal(EXAM);
            fixture.given(started(), onDeadline)
                    .when(new UploadOfflineAnswers(SESSION, UPLOAD, List.of(entry("q1", 1, choose("A"))), "proctor-1"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "SEALED"));
        }

        @Test
        void refusesAnEmptyJournalRepeatedNumbersAndAnswersThatDoNotFit() {
            fixture.given(started(), onDeadline)
                    .when(new UploadOfflineAnswers(SESSION, UPLOAD, List.of(), "proctor-1"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "EMPTY_JOURNAL"));
            fixture.given(started(), onDeadline)
                    .when(new UploadOfflineAnswers(
                            SESSION,
                            UPLOAD,
                            List.of(entry("q1", 4, choose("A")), entry("q2", 4, choose("B"))),
                            "proctor-1"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"));
            fixture.given(started(), onDeadline)
                    .when(new UploadOfflineAnswers(
                            SESSION, UPLOAD, List.of(entry("q1", 4, choose("A", "B"))), "proctor-1"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "INVALID_ANSWER"));
        }

        @Test
        void acceptingRecordsOnlyTheEntriesAboveTheStoredAnswersAndTheyCount() {
            clock.set(DEADLINE.plus(Duration.ofMinutes(20)));
            fixture.given(
                            started(),
                            saved("q1", 1, choose("B")),
                            saved("q2", 5, choose("D")),
                            onDeadline,
                            uploaded(
                                    entry("q1", 1, choose("B")),
                                    entry("q1", 6, choose("C")),
                                    entry("q2", 3, choose("A")),
                                    entry("q3", 7, new Answer.Text("aspirin"))))
                    .when(new DecideOfflineAnswers(
                            SESSION, UPLOAD, true, "network down in room 2, witnessed", "proctor-2"))
                    .expectEvents(new OfflineAnswersAccepted(
                            SESSION,
                            UPLOAD,
                            List.of(entry("q1", 6, choose("C")), entry("q3", 7, new Answer.Text("aspirin"))),
                            "network down in room 2, witnessed",
                            "proctor-2",
                            DEADLINE.plus(Duration.ofMinutes(20))))
                    .expectState(session -> {
                        SessionView view = session.describe(clock.instant());
                        if (view.answers().stream()
                                        .noneMatch(a -> a.questionId().equals("q1") && a.saveNumber() == 6)
                                || view.answers().stream()
                                        .noneMatch(a -> a.questionId().equals("q2") && a.saveNumber() == 5)
                                || view.highestSaveNumber() != 7) {
                            throw new AssertionError("Accepted answers do not count as saves: " + view);
                        }
                    });
        }

        @Test
        void rejectingRecordsTheDecisionAndNothingCounts() {
            fixture.given(started(), onDeadline, uploaded(entry("q1", 1, choose("A"))))
                    .when(new DecideOfflineAnswers(
                            SESSION, UPLOAD, false, "the candidate was seen online after the end", "proctor-1"))
                    .expectEvents(new OfflineAnswersRejected(
                            SESSION, UPLOAD, "the candidate was seen online after the end", "proctor-1", START))
                    .expectResultMessagePayloadMatching(
                            predicate((OfflineJournal j) -> j.decision() == JournalDecision.REJECTED
                                    && j.applicable().isEmpty()));
        }

        @Test
        void aDecisionIsFinal() {
            OfflineAnswersAccepted accepted = new OfflineAnswersAccepted(
                    SESSION, UPLOAD, List.of(entry("q1", 1, choose("A"))), "witnessed", "proctor-1", submitted);
            fixture.given(started(), onDeadline, uploaded(entry("q1", 1, choose("A"))), accepted)
                    .when(new DecideOfflineAnswers(SESSION, UPLOAD, true, "again", "proctor-2"))
                    .expectNoEvents()
                    .expectResultMessagePayloadMatching(predicate(
                            (OfflineJournal j) -> !j.changed() && j.decidedBy().equals("proctor-1")));
            fixture.given(started(), onDeadline, uploaded(entry("q1", 1, choose("A"))), accepted)
                    .when(new DecideOfflineAnswers(SESSION, UPLOAD, false, "changed my mind", "proctor-2"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "ALREADY_DECIDED"));
        }

        @Test
        void refusesAnUnknownUploadAMissingReasonAndADecisionAfterTheSeal() {
            fixture.given(started(), onDeadline)
                    .when(new DecideOfflineAnswers(SESSION, UPLOAD, true, "witnessed", "proctor-1"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.NOT_FOUND, "UNKNOWN_UPLOAD"));
            fixture.given(started(), onDeadline, uploaded(entry("q1", 1, choose("A"))))
                    .when(new DecideOfflineAnswers(SESSION, UPLOAD, true, " ", "proctor-1"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.INVALID_INPUT, "MISSING_REASON"));
            catalog.seal(EXAM);
            fixture.given(started(), onDeadline, uploaded(entry("q1", 1, choose("A"))))
                    .when(new DecideOfflineAnswers(SESSION, UPLOAD, true, "witnessed", "proctor-1"))
                    .expectNoEvents()
                    .expectException(refusal(Kind.PRECONDITION_FAILED, "SEALED"));
        }
    }

    @Nested
    class SubmitOnDeadlineCommand {

        @Test
        void submitsOnceTheDeadlineAndGraceHavePassed() {
            Instant late = DEADLINE.plus(ExamSession.SAVE_GRACE).plusSeconds(1);
            clock.set(late);
            fixture.given(started())
                    .when(new SubmitOnDeadline(SESSION))
                    .expectEvents(new SessionSubmitted(SESSION, SubmissionCause.DEADLINE, DEADLINE, late))
                    .expectResultMessagePayload(true);
        }

        @Test
        void recordsTheDeadlineWhenTheServerWasDownAtThatMoment() {
            Instant restarted = DEADLINE.plus(Duration.ofMinutes(3));
            clock.set(restarted);
            fixture.given(started())
                    .when(new SubmitOnDeadline(SESSION))
                    .expectEvents(new SessionSubmitted(SESSION, SubmissionCause.DEADLINE, DEADLINE, restarted))
                    .expectResultMessagePayload(true);
        }

        @Test
        void ignoredWhileTimeRemains() {
            clock.set(DEADLINE.plusSeconds(1));
            fixture.given(started())
                    .when(new SubmitOnDeadline(SESSION))
                    .expectNoEvents()
                    .expectResultMessagePayload(false);
        }

        @Test
        void ignoredWhenTheDeadlineWasExtended() {
            clock.set(DEADLINE.plus(Duration.ofMinutes(5)));
            fixture.given(
                            started(),
                            new TimeExtended(
                                    SESSION,
                                    Duration.ofMinutes(30),
                                    "incident",
                                    "p",
                                    START,
                                    DEADLINE.plus(Duration.ofMinutes(30))))
                    .when(new SubmitOnDeadline(SESSION))
                    .expectNoEvents()
                    .expectResultMessagePayload(false);
        }

        @Test
        void ignoredWhenAlreadySubmitted() {
            clock.set(DEADLINE.plus(Duration.ofHours(1)));
            fixture.given(started(), new SessionSubmitted(SESSION, SubmissionCause.CANDIDATE, START, START))
                    .when(new SubmitOnDeadline(SESSION))
                    .expectNoEvents()
                    .expectResultMessagePayload(false);
        }
    }

    @Nested
    class DescribeSessionCommand {

        @Test
        void reportsAnswersFlagsAndRemainingTime() {
            clock.set(START.plus(Duration.ofMinutes(30)));
            fixture.given(
                            started(),
                            saved("q1", 1, choose("A")),
                            saved("q1", 3, choose("B")),
                            saved("q3", 2, new Answer.Text("x")),
                            new QuestionFlagged(SESSION, "q2", START))
                    .when(new DescribeSession(SESSION))
                    .expectNoEvents()
                    .expectResultMessagePayloadMatching(predicate(
                            (SessionView v) -> v.answers().size() == 2
                                    && v.answers()
                                            .getFirst()
                                            .equals(new SessionView.SavedAnswer(
                                                    "q1", 3, choose("B"), START.plusSeconds(3)))
                                    && v.flaggedQuestionIds().equals(List.of("q2"))
                                    && v.highestSaveNumber() == 3
                                    && v.remaining().equals(Duration.ofMinutes(90))
                                    && !v.submitted()));
        }
    }
}
