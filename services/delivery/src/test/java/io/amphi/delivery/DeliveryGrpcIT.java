package io.amphi.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Empty;
import io.amphi.delivery.api.Events.QuestionFlagged;
import io.amphi.delivery.api.SessionIds;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.platform.audit.ChainVerifier;
import io.amphi.platform.grpc.ErrorMapping;
import io.amphi.proto.common.v1.ErrorInfo;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.ExamContent;
import io.amphi.proto.delivery.v1.ExtendTimeRequest;
import io.amphi.proto.delivery.v1.FlagQuestionRequest;
import io.amphi.proto.delivery.v1.GetExamContentRequest;
import io.amphi.proto.delivery.v1.LikertAnswer;
import io.amphi.proto.delivery.v1.Question;
import io.amphi.proto.delivery.v1.ResumeSessionRequest;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.SaveAnswerResponse;
import io.amphi.proto.delivery.v1.SaveOutcome;
import io.amphi.proto.delivery.v1.SavedAnswer;
import io.amphi.proto.delivery.v1.SessionState;
import io.amphi.proto.delivery.v1.SessionStatus;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.StartSessionResponse;
import io.amphi.proto.delivery.v1.SubmissionCause;
import io.amphi.proto.delivery.v1.SubmitSessionRequest;
import io.amphi.proto.delivery.v1.TextAnswer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A whole exam driven through gRPC on a real server, against the real embedded PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryGrpcIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;

    @TempDir
    static Path data;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private RunningDelivery delivery;

    @BeforeAll
    void start() {
        // Automatic submission is covered by DeliveryRestartIT; here moving the clock must not submit sessions.
        delivery = RunningDelivery.start(data, clock, "amphi.delivery.auto-submit-interval=1h");
        delivery.openDemoExam(
                clock,
                List.of(
                        new Enrolment(EXAM, "cand-001", Duration.ZERO),
                        new Enrolment(EXAM, "cand-002", Duration.ZERO),
                        new Enrolment(EXAM, "cand-late", Duration.ZERO),
                        new Enrolment(EXAM, "cand-race", Duration.ZERO),
                        new Enrolment(EXAM, "cand-done", Duration.ZERO),
                        new Enrolment(EXAM, "cand-expired", Duration.ZERO)));
    }

    @AfterAll
    void stop() {
        delivery.close();
    }

    private static Answer choices(String... ids) {
        return Answer.newBuilder()
                .setChoices(ChoiceAnswer.newBuilder().addAllOptionIds(List.of(ids)))
                .build();
    }

    private static Answer text(String text) {
        return Answer.newBuilder()
                .setText(TextAnswer.newBuilder().setText(text))
                .build();
    }

    private static Answer likert(int value) {
        return Answer.newBuilder()
                .setLikert(LikertAnswer.newBuilder().setValue(value))
                .build();
    }

    private static SaveAnswerRequest save(String sessionId, String questionId, long number, Answer answer) {
        return SaveAnswerRequest.newBuilder()
                .setSessionId(sessionId)
                .setQuestionId(questionId)
                .setSaveNumber(number)
                .setAnswer(answer)
                .build();
    }

    private String startAs(String candidate) {
        return delivery.asCandidate(candidate)
                .startSession(StartSessionRequest.newBuilder().setExamId(EXAM).build())
                .getSession()
                .getSessionId();
    }

    @Test
    void drivesAWholeExam() {
        DeliveryServiceBlockingStub candidate = delivery.asCandidate("cand-001");

        StartSessionResponse started = candidate.startSession(
                StartSessionRequest.newBuilder().setExamId(EXAM).build());
        String session = started.getSession().getSessionId();
        assertThat(started.getAlreadyStarted()).isFalse();
        assertThat(session).isEqualTo("demo-cardiology:cand-001");
        assertThat(started.getSession().getRemaining().getSeconds())
                .isEqualTo(Duration.ofHours(2).toSeconds());

        ExamContent content = candidate.getExamContent(
                GetExamContentRequest.newBuilder().setSessionId(session).build());
        assertThat(content.getQuestionsList())
                .extracting(Question::getKindCase)
                .containsExactly(
                        Question.KindCase.SINGLE_BEST_ANSWER,
                        Question.KindCase.MULTIPLE_RESPONSE,
                        Question.KindCase.SHORT_TEXT,
                        Question.KindCase.KEY_FEATURES_CASE,
                        Question.KindCase.SCRIPT_CONCORDANCE,
                        Question.KindCase.SCRIPT_CONCORDANCE);
        assertThat(content.getQuestions(3).getKeyFeaturesCase().getQuestionsCount())
                .isEqualTo(3);
        assertThat(content.getQuestions(4).getScriptConcordance().getScaleLabelsCount())
                .isEqualTo(5);

        List<SaveAnswerResponse> acks = List.of(
                candidate.saveAnswer(save(session, "q1", 1, choices("B"))),
                candidate.saveAnswer(save(session, "q2", 2, choices("A", "B", "C"))),
                candidate.saveAnswer(save(session, "q3", 3, text("Adrénaline"))),
                candidate.saveAnswer(save(session, "case1.q1", 4, choices("A"))),
                candidate.saveAnswer(save(session, "case1.q2", 5, choices("A", "C"))),
                candidate.saveAnswer(save(session, "case1.q3", 6, text("héparine"))),
                candidate.saveAnswer(save(session, "q5", 7, likert(2))),
                candidate.saveAnswer(save(session, "q6", 9, likert(-1))));
        assertThat(acks).extracting(SaveAnswerResponse::getOutcome).containsOnly(SaveOutcome.SAVE_OUTCOME_APPLIED);

        SaveAnswerResponse resend = candidate.saveAnswer(save(session, "q1", 1, choices("B")));
        assertThat(resend.getOutcome()).isEqualTo(SaveOutcome.SAVE_OUTCOME_DUPLICATE);
        SaveAnswerResponse outOfOrder = candidate.saveAnswer(save(session, "q6", 8, likert(0)));
        assertThat(outOfOrder.getOutcome()).isEqualTo(SaveOutcome.SAVE_OUTCOME_SUPERSEDED);

        assertThat(candidate
                        .flagQuestion(FlagQuestionRequest.newBuilder()
                                .setSessionId(session)
                                .setQuestionId("q2")
                                .setFlagged(true)
                                .build())
                        .getChanged())
                .isTrue();

        clock.advance(Duration.ofMinutes(30));
        SessionState resumed = candidate.resumeSession(
                ResumeSessionRequest.newBuilder().setSessionId(session).build());
        assertThat(resumed.getAnswersList())
                .extracting(SavedAnswer::getQuestionId)
                .containsExactly("q1", "q2", "q3", "case1.q1", "case1.q2", "case1.q3", "q5", "q6");
        assertThat(resumed.getAnswersList())
                .filteredOn(a -> a.getQuestionId().equals("q6"))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.getSaveNumber()).isEqualTo(9);
                    assertThat(a.getAnswer()).isEqualTo(likert(-1));
                });
        assertThat(resumed.getFlaggedQuestionIdsList()).containsExactly("q2");
        assertThat(resumed.getHighestSaveNumber()).isEqualTo(9);
        assertThat(resumed.getRemaining().getSeconds())
                .isEqualTo(Duration.ofMinutes(90).toSeconds());

        SessionState submitted = candidate.submitSession(
                SubmitSessionRequest.newBuilder().setSessionId(session).build());
        assertThat(submitted.getStatus()).isEqualTo(SessionStatus.SESSION_STATUS_SUBMITTED);
        assertThat(submitted.getSubmissionCause()).isEqualTo(SubmissionCause.SUBMISSION_CAUSE_CANDIDATE);
        assertThat(candidate.submitSession(
                        SubmitSessionRequest.newBuilder().setSessionId(session).build()))
                .isEqualTo(submitted.toBuilder()
                        .setServerTime(submitted.getServerTime())
                        .build());

        assertThat(delivery.storedEventTypes(session))
                .containsExactly(
                        "SessionStarted",
                        "AnswerSaved",
                        "AnswerSaved",
                        "AnswerSaved",
                        "AnswerSaved",
                        "AnswerSaved",
                        "AnswerSaved",
                        "AnswerSaved",
                        "AnswerSaved",
                        "QuestionFlagged",
                        "SessionSubmitted");
        String storedAnswer =
                new String(delivery.jdbc().queryForObject("""
                SELECT payload FROM event_store.domain_event_entry WHERE aggregate_identifier = ? AND sequence_number = 3""", byte[].class, session), StandardCharsets.UTF_8);
        assertThat(storedAnswer)
                .contains("\"questionId\":\"q3\"")
                .contains("Adrénaline")
                .contains("\"saveNumber\":3");
        ChainVerifier.Result chain = ChainVerifier.verify(session, delivery.storedEvents(session));
        assertThat(chain.finding())
                .as("every stored event is hash-chained to its predecessor")
                .isEmpty();
        assertThat(chain.lastSequence()).isEqualTo(10);
        clock.advance(Duration.ofMinutes(-30));
    }

    @Test
    void startingTwiceReturnsTheSameSession() {
        DeliveryServiceBlockingStub candidate = delivery.asCandidate("cand-002");
        SessionState first = candidate
                .startSession(StartSessionRequest.newBuilder().setExamId(EXAM).build())
                .getSession();
        StartSessionResponse again = candidate.startSession(
                StartSessionRequest.newBuilder().setExamId(EXAM).build());
        assertThat(again.getAlreadyStarted()).isTrue();
        assertThat(again.getSession().getDeadline()).isEqualTo(first.getDeadline());
        assertThat(delivery.storedEventTypes(first.getSessionId())).containsExactly("SessionStarted");
    }

    @Test
    void aProctorExtendsTime() {
        String session = startAs("cand-002");
        SessionState before = delivery.asCandidate("cand-002")
                .resumeSession(
                        ResumeSessionRequest.newBuilder().setSessionId(session).build());
        SessionState after = delivery.asProctor("proctor-1")
                .extendTime(ExtendTimeRequest.newBuilder()
                        .setSessionId(session)
                        .setReason("fire alarm in room B")
                        .setExtension(com.google.protobuf.Duration.newBuilder().setSeconds(600))
                        .build());
        assertThat(after.getDeadline().getSeconds() - before.getDeadline().getSeconds())
                .isEqualTo(600);
    }

    @Test
    void makesNoCallToAxonsVendor() {
        assertThat(delivery.beansOf(org.axonframework.updates.UpdateChecker.class))
                .isEmpty();
        assertThat(System.getProperty("axoniq.update-checker.disabled")).isEqualTo("true");
    }

    @Test
    void commitsAreDurable() {
        assertThat(delivery.jdbc().queryForObject("SHOW synchronous_commit", String.class))
                .isEqualTo("on");
        assertThat(delivery.jdbc().queryForObject("SHOW fsync", String.class)).isEqualTo("on");
    }

    @Test
    void servesHealth() {
        var channel = NettyChannelBuilder.forAddress(
                        "127.0.0.1",
                        delivery.bean(io.amphi.platform.grpc.GrpcServerLifecycle.class)
                                .port())
                .usePlaintext()
                .build();
        try {
            // Ready once its database answers and it holds the signing keys and the revocations.
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> HealthGrpc.newBlockingStub(channel)
                                    .check(HealthCheckRequest.newBuilder()
                                            .setService("amphi.delivery.v1.DeliveryService")
                                            .build())
                                    .getStatus()
                            == HealthCheckResponse.ServingStatus.SERVING);
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void aConflictingAppendFromAnotherNodeIsRetryableAndLosesNothing() {
        String session = startAs("cand-race");
        DeliveryServiceBlockingStub candidate = delivery.asCandidate("cand-race");
        candidate.saveAnswer(save(session, "q1", 1, choices("A")));
        appendAsAnotherNode(session, 2, new QuestionFlagged(session, "q3", clock.instant()));

        StatusRuntimeException conflict = catchThrowableOfType(
                StatusRuntimeException.class, () -> candidate.saveAnswer(save(session, "q2", 2, choices("B"))));
        assertThat(conflict.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(conflict.getTrailers().get(ErrorMapping.ERROR_INFO_KEY).getRetryable())
                .isTrue();

        assertThat(candidate.saveAnswer(save(session, "q2", 2, choices("B"))).getOutcome())
                .isEqualTo(SaveOutcome.SAVE_OUTCOME_APPLIED);
        SessionState state = candidate.resumeSession(
                ResumeSessionRequest.newBuilder().setSessionId(session).build());
        assertThat(state.getAnswersList())
                .extracting(SavedAnswer::getQuestionId)
                .containsExactly("q1", "q2");
        assertThat(state.getFlaggedQuestionIdsList()).containsExactly("q3");
        assertThat(delivery.storedEventTypes(session))
                .containsExactly("SessionStarted", "AnswerSaved", "QuestionFlagged", "AnswerSaved");
    }

    /** Writes an event straight into the store, as a second replica would, behind this node's cache. */
    private void appendAsAnotherNode(String session, long sequence, Object event) {
        Serializer serializer = delivery.bean("eventSerializer", Serializer.class);
        delivery.jdbc()
                .update(
                        """
                INSERT INTO event_store.domain_event_entry (event_identifier, aggregate_identifier, sequence_number, type, time_stamp,
                    payload_type, payload_revision, payload, meta_data)
                VALUES (?, ?, ?, 'ExamSession', ?, ?, NULL, ?, ?)""",
                        UUID.randomUUID().toString(),
                        session,
                        sequence,
                        clock.instant().toString(),
                        event.getClass().getName(),
                        serializer.serialize(event, byte[].class).getData(),
                        serializer
                                .serialize(org.axonframework.messaging.MetaData.emptyInstance(), byte[].class)
                                .getData());
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Refusals {

        private String session;
        private DeliveryServiceBlockingStub candidate;

        @BeforeAll
        void startSession() {
            candidate = delivery.asCandidate("cand-late");
            session = startAs("cand-late");
            candidate.saveAnswer(save(session, "q1", 1, choices("A")));
        }

        private long storedEvents() {
            return delivery.jdbc().queryForObject("SELECT count(*) FROM event_store.domain_event_entry", Long.class);
        }

        private ErrorInfo refused(Status.Code code, Supplier<?> call) {
            long before = storedEvents();
            StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call::get);
            assertThat(error).as("the call should have been refused").isNotNull();
            assertThat(error.getStatus().getCode()).isEqualTo(code);
            assertThat(error.getStatus().getDescription()).isNotBlank();
            assertThat(storedEvents()).as("nothing stored").isEqualTo(before);
            return error.getTrailers().get(ErrorMapping.ERROR_INFO_KEY);
        }

        @Test
        void anOptionThatDoesNotExist() {
            ErrorInfo info = refused(
                    Status.Code.INVALID_ARGUMENT, () -> candidate.saveAnswer(save(session, "q1", 2, choices("Z"))));
            assertThat(info.getQuestionId()).isEqualTo("q1");
            assertThat(info.getMessage()).isEqualTo("Question q1 has no option 'Z' (its options are A, B, C, D, E).");
        }

        @Test
        void twoOptionsOnASingleBestAnswer() {
            refused(
                    Status.Code.INVALID_ARGUMENT,
                    () -> candidate.saveAnswer(save(session, "q1", 2, choices("A", "B"))));
        }

        @Test
        void textOverTheLimit() {
            ErrorInfo info = refused(
                    Status.Code.INVALID_ARGUMENT,
                    () -> candidate.saveAnswer(save(session, "q3", 2, text("x".repeat(81)))));
            assertThat(info.getMessage()).isEqualTo("Question q3 accepts at most 80 characters; this answer has 81.");
        }

        @Test
        void aLikertValueOutOfRange() {
            refused(Status.Code.INVALID_ARGUMENT, () -> candidate.saveAnswer(save(session, "q5", 2, likert(-3))));
        }

        @Test
        void anUnknownQuestion() {
            refused(Status.Code.INVALID_ARGUMENT, () -> candidate.saveAnswer(save(session, "q42", 2, likert(1))));
        }

        @Test
        void anEmptyAnswer() {
            refused(
                    Status.Code.INVALID_ARGUMENT,
                    () -> candidate.saveAnswer(save(session, "q1", 2, Answer.getDefaultInstance())));
            refused(
                    Status.Code.INVALID_ARGUMENT,
                    () -> candidate.saveAnswer(SaveAnswerRequest.newBuilder()
                            .setSessionId(session)
                            .setQuestionId("q1")
                            .setSaveNumber(2)
                            .build()));
        }

        @Test
        void aSaveNumberOfZero() {
            refused(Status.Code.INVALID_ARGUMENT, () -> candidate.saveAnswer(save(session, "q1", 0, choices("A"))));
        }

        @Test
        void aMalformedSessionId() {
            refused(Status.Code.INVALID_ARGUMENT, () -> candidate.saveAnswer(save("no-colon", "q1", 2, choices("A"))));
        }

        @Test
        void aSessionThatDoesNotExist() {
            DeliveryServiceBlockingStub stranger =
                    delivery.withToken(delivery.auth().candidateToken("other-exam", "cand-001"));
            refused(
                    Status.Code.NOT_FOUND,
                    () -> stranger.resumeSession(ResumeSessionRequest.newBuilder()
                            .setSessionId(SessionIds.of("other-exam", "cand-001"))
                            .build()));
        }

        @Test
        void anotherCandidatesSession() {
            DeliveryServiceBlockingStub other = delivery.asCandidate("cand-002");
            ErrorInfo info = refused(
                    Status.Code.PERMISSION_DENIED, () -> other.saveAnswer(save(session, "q1", 5, choices("C"))));
            assertThat(info.getReason()).isEqualTo("NOT_YOUR_SESSION");
            refused(
                    Status.Code.PERMISSION_DENIED,
                    () -> other.resumeSession(ResumeSessionRequest.newBuilder()
                            .setSessionId(session)
                            .build()));
        }

        @Test
        void aSessionOfAnotherExamThanTheTokensOne() {
            refused(
                    Status.Code.PERMISSION_DENIED,
                    () -> candidate.resumeSession(ResumeSessionRequest.newBuilder()
                            .setSessionId(SessionIds.of("other-exam", "cand-late"))
                            .build()));
        }

        @Test
        void aCallerWithoutIdentity() {
            refused(
                    Status.Code.UNAUTHENTICATED,
                    () -> delivery.anonymous()
                            .startSession(StartSessionRequest.newBuilder()
                                    .setExamId(EXAM)
                                    .build()));
        }

        @Test
        void aCandidateWhoIsNotEnrolled() {
            ErrorInfo info = refused(
                    Status.Code.PERMISSION_DENIED,
                    () -> delivery.asCandidate("intruder")
                            .startSession(StartSessionRequest.newBuilder()
                                    .setExamId(EXAM)
                                    .build()));
            assertThat(info.getReason()).isEqualTo("NOT_ENROLLED");
        }

        @Test
        void anUnknownExam() {
            DeliveryServiceBlockingStub signedInForIt =
                    delivery.withToken(delivery.auth().candidateToken("no-such-exam", "cand-001"));
            refused(
                    Status.Code.NOT_FOUND,
                    () -> signedInForIt.startSession(StartSessionRequest.newBuilder()
                            .setExamId("no-such-exam")
                            .build()));
        }

        @Test
        void startingOutsideTheWindow() {
            delivery.catalog().enrol(List.of(new Enrolment(EXAM, "cand-too-late", Duration.ZERO)));
            clock.advance(Duration.ofHours(1));
            try {
                ErrorInfo info = refused(
                        Status.Code.FAILED_PRECONDITION,
                        () -> delivery.asCandidate("cand-too-late")
                                .startSession(StartSessionRequest.newBuilder()
                                        .setExamId(EXAM)
                                        .build()));
                assertThat(info.getReason()).isEqualTo("CLOSED");
            } finally {
                clock.advance(Duration.ofHours(-1));
            }
        }

        @Test
        void aCandidateExtendingTime() {
            refused(
                    Status.Code.PERMISSION_DENIED,
                    () -> candidate.extendTime(ExtendTimeRequest.newBuilder()
                            .setSessionId(session)
                            .setReason("me")
                            .setExtension(
                                    com.google.protobuf.Duration.newBuilder().setSeconds(60))
                            .build()));
        }

        @Test
        void aProctorOfAnotherExam() {
            DeliveryServiceBlockingStub elsewhere =
                    delivery.withToken(delivery.auth().proctorTokenFor("other-exam", "proctor-9"));
            ErrorInfo info = refused(
                    Status.Code.PERMISSION_DENIED,
                    () -> elsewhere.extendTime(ExtendTimeRequest.newBuilder()
                            .setSessionId(session)
                            .setReason("fire alarm")
                            .setExtension(
                                    com.google.protobuf.Duration.newBuilder().setSeconds(60))
                            .build()));
            assertThat(info.getReason()).isEqualTo("NOT_YOUR_EXAM");
        }

        @Test
        void anExtensionWithoutReason() {
            refused(
                    Status.Code.INVALID_ARGUMENT,
                    () -> delivery.asProctor("proctor-1")
                            .extendTime(ExtendTimeRequest.newBuilder()
                                    .setSessionId(session)
                                    .setExtension(com.google.protobuf.Duration.newBuilder()
                                            .setSeconds(60))
                                    .build()));
        }

        @Test
        void aSaveAfterTheDeadline() {
            String expired = startAs("cand-expired");
            clock.advance(Duration.ofHours(2).plus(Duration.ofMinutes(1)));
            try {
                ErrorInfo info = refused(
                        Status.Code.FAILED_PRECONDITION,
                        () -> delivery.asCandidate("cand-expired").saveAnswer(save(expired, "q2", 1, choices("A"))));
                assertThat(info.getReason()).isEqualTo("DEADLINE_PASSED");
            } finally {
                clock.advance(Duration.ofHours(-2).minus(Duration.ofMinutes(1)));
            }
        }

        @Test
        void aSaveAfterSubmission() {
            DeliveryServiceBlockingStub done = delivery.asCandidate("cand-done");
            String doneSession = startAs("cand-done");
            done.submitSession(
                    SubmitSessionRequest.newBuilder().setSessionId(doneSession).build());
            ErrorInfo info = refused(
                    Status.Code.FAILED_PRECONDITION, () -> done.saveAnswer(save(doneSession, "q1", 1, choices("A"))));
            assertThat(info.getReason()).isEqualTo("SUBMITTED");
            refused(
                    Status.Code.FAILED_PRECONDITION,
                    () -> done.flagQuestion(FlagQuestionRequest.newBuilder()
                            .setSessionId(doneSession)
                            .setQuestionId("q1")
                            .setFlagged(true)
                            .build()));
        }

        @Test
        void aClearedAnswerIsAccepted() {
            assertThat(candidate
                            .saveAnswer(save(
                                    session,
                                    "q1",
                                    3,
                                    Answer.newBuilder()
                                            .setCleared(Empty.getDefaultInstance())
                                            .build()))
                            .getOutcome())
                    .isEqualTo(SaveOutcome.SAVE_OUTCOME_APPLIED);
        }
    }
}
