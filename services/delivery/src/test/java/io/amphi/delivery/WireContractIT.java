package io.amphi.delivery;

import static io.amphi.delivery.RawGrpcConnection.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.Duration;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.platform.grpc.ErrorMapping;
import io.amphi.proto.common.v1.ErrorInfo;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.ExtendTimeRequest;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.SaveOutcome;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.platform.v1.GetStatusRequest;
import io.amphi.proto.platform.v1.PlatformStatus;
import io.amphi.proto.platform.v1.PlatformStatusServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The error contract and the limits of the wire, checked from outside: a client built from the
 * protos and the README alone (raw HTTP/2 frames, {@link RawGrpcConnection}) sends malformed bytes,
 * invalid UTF-8, an oversized header and an oversized message, and reads each refusal's status and
 * {@code amphi-error-bin} trailer; other calls on the same connection carry on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WireContractIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;
    private static final String SAVE = "amphi.delivery.v1.DeliveryService/SaveAnswer";
    private static final String START = "amphi.delivery.v1.DeliveryService/StartSession";

    @TempDir
    static Path data;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private RunningDelivery delivery;
    private String session;
    private String token;

    @BeforeAll
    void start() {
        delivery = RunningDelivery.start(
                data, clock, "amphi.delivery.auto-submit-interval=1h", "amphi.delivery.save-rate.burst=1000");
        delivery.openDemoExam(clock, List.of(new Enrolment(EXAM, "cand-wire", java.time.Duration.ZERO)));
        token = delivery.auth().candidateToken(EXAM, "cand-wire");
        session = delivery.withToken(token)
                .startSession(StartSessionRequest.newBuilder().setExamId(EXAM).build())
                .getSession()
                .getSessionId();
    }

    @AfterAll
    void stop() {
        delivery.close();
    }

    private Map<String, String> bearer() {
        return headers("authorization", "Bearer " + token);
    }

    private static byte[] saveOf(String sessionId, String questionId, long number) {
        return SaveAnswerRequest.newBuilder()
                .setSessionId(sessionId)
                .setQuestionId(questionId)
                .setSaveNumber(number)
                .setAnswer(
                        Answer.newBuilder().setChoices(ChoiceAnswer.newBuilder().addOptionIds("A")))
                .build()
                .toByteArray();
    }

    private long storedEvents() {
        return delivery.jdbc().queryForObject("SELECT count(*) FROM event_store.domain_event_entry", Long.class);
    }

    @Test
    void malformedBytesAndInvalidUtf8AreInvalidArgumentAndLoggedAtMostOnce() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        long before = storedEvents();
        try (RawGrpcConnection wire = new RawGrpcConnection(delivery.port())) {
            for (int i = 0; i < 25; i++) {
                RawGrpcConnection.Answer malformed =
                        wire.await(wire.start(SAVE, bearer(), new byte[] {0x0A, (byte) 0xFF, (byte) 0xFF}));
                assertThat(malformed.grpcStatus()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
                assertThat(malformed.errorInfo().getReason()).isEqualTo("MALFORMED_REQUEST");
                assertThat(malformed.errorInfo().getMessage())
                        .isEqualTo(malformed.grpcMessage())
                        .contains("not a protobuf message");

                byte[] notUtf8 = {0x0A, 0x02, (byte) 0xC3, 0x28};
                RawGrpcConnection.Answer utf8 = wire.await(wire.start(START, headers(), notUtf8));
                assertThat(utf8.grpcStatus())
                        .as("even without a token")
                        .isEqualTo(Status.Code.INVALID_ARGUMENT.value());
                assertThat(utf8.errorInfo().getReason()).isEqualTo("MALFORMED_REQUEST");
                assertThat(utf8.errorInfo().getMessage()).contains("UTF-8");
            }
            RawGrpcConnection.Answer fine = wire.await(wire.start(SAVE, bearer(), saveOf(session, "case1.q1", 1)));
            assertThat(fine.grpcStatus()).as("the same connection still serves").isZero();
            assertThat(wire.goneAway()).isFalse();
        } finally {
            root.detachAppender(logged);
        }
        assertThat(storedEvents()).as("only the good save was stored").isEqualTo(before + 1);
        assertThat(logged.list)
                .filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
                .isEmpty();
        assertThat(logged.list)
                .filteredOn(event -> event.getFormattedMessage().contains("malformed"))
                .hasSize(1);
    }

    @Test
    void anOversizedHeaderFailsAloneAndTheConnectionCarriesOn() {
        try (RawGrpcConnection wire = new RawGrpcConnection(delivery.port())) {
            int inFlight = wire.start(SAVE, bearer(), null);
            int oversized = wire.start(
                    SAVE,
                    headers("authorization", "Bearer " + token, "x-padding", "p".repeat(100_000)),
                    saveOf(session, "q2", 2));
            RawGrpcConnection.Answer refused = wire.await(oversized);
            assertThat(refused).as("answered, not cut off with the connection").isNotNull();
            assertThat(refused.grpcStatus()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
            assertThat(refused.errorInfo().getReason()).isEqualTo("METADATA_TOO_LARGE");

            wire.finish(inFlight, saveOf(session, "q2", 3));
            RawGrpcConnection.Answer other = wire.await(inFlight);
            assertThat(other)
                    .as("the call in flight on the same connection is answered")
                    .isNotNull();
            assertThat(other.grpcStatus()).isZero();
            assertThat(wire.goneAway()).isFalse();
        }
    }

    @Test
    void anOversizedMessageFailsAlone() {
        try (RawGrpcConnection wire = new RawGrpcConnection(delivery.port())) {
            byte[] huge = SaveAnswerRequest.newBuilder()
                    .setSessionId(session)
                    .setQuestionId("q3")
                    .setSaveNumber(50)
                    .setAnswer(Answer.newBuilder()
                            .setText(io.amphi.proto.delivery.v1.TextAnswer.newBuilder()
                                    .setText("x".repeat(5 * 1024 * 1024))))
                    .build()
                    .toByteArray();
            RawGrpcConnection.Answer refused = wire.await(wire.start(SAVE, bearer(), huge));
            assertThat(refused.grpcStatus()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
            assertThat(refused.errorInfo().getReason()).isEqualTo("MESSAGE_TOO_LARGE");
            assertThat(wire.await(wire.start(SAVE, bearer(), saveOf(session, "q1", 51)))
                            .grpcStatus())
                    .isZero();
        }
    }

    @Test
    void everyRefusalCarriesItsErrorInfoInTheDocumentedTrailer() {
        try (RawGrpcConnection wire = new RawGrpcConnection(delivery.port())) {
            RawGrpcConnection.Answer noToken = wire.await(wire.start(SAVE, headers(), saveOf(session, "q1", 60)));
            assertThat(noToken.grpcStatus()).isEqualTo(Status.Code.UNAUTHENTICATED.value());
            assertThat(noToken.errorInfo().getReason()).isEqualTo("MISSING_TOKEN");

            RawGrpcConnection.Answer badToken = wire.await(
                    wire.start(SAVE, headers("authorization", "Bearer not.a.token"), saveOf(session, "q1", 60)));
            assertThat(badToken.grpcStatus()).isEqualTo(Status.Code.UNAUTHENTICATED.value());
            assertThat(badToken.errorInfo().getReason()).isEqualTo("INVALID_TOKEN");

            RawGrpcConnection.Answer unknown =
                    wire.await(wire.start("amphi.delivery.v1.DeliveryService/DropTables", bearer(), new byte[0]));
            assertThat(unknown.grpcStatus()).isEqualTo(Status.Code.UNIMPLEMENTED.value());
            assertThat(unknown.errorInfo().getReason()).isEqualTo("UNKNOWN_METHOD");

            RawGrpcConnection.Answer noSuchHealth = wire.await(wire.start(
                    "grpc.health.v1.Health/Check",
                    headers(),
                    HealthCheckRequest.newBuilder()
                            .setService("nothing-of-that-name")
                            .build()
                            .toByteArray()));
            assertThat(noSuchHealth.grpcStatus()).isEqualTo(Status.Code.NOT_FOUND.value());
            assertThat(noSuchHealth.errorInfo())
                    .as("gRPC's own services answer with an ErrorInfo too")
                    .isNotNull();

            RawGrpcConnection.Answer notYours =
                    wire.await(wire.start(SAVE, bearer(), saveOf(EXAM + ":cand-other", "q1", 60)));
            assertThat(notYours.grpcStatus()).isEqualTo(Status.Code.PERMISSION_DENIED.value());
            assertThat(notYours.errorInfo().getReason()).isEqualTo("NOT_YOUR_SESSION");
            assertThat(notYours.errorInfo().getMessage()).isEqualTo(notYours.grpcMessage());
        }
    }

    @Test
    void aHugeIdIsRefusedAsInvalidAndQuotedOnlyInShort() {
        DeliveryServiceBlockingStub candidate = delivery.withToken(token);
        long before = storedEvents();
        StatusRuntimeException hugeQuestion = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> candidate.saveAnswer(SaveAnswerRequest.newBuilder()
                        .setSessionId(session)
                        .setQuestionId("q".repeat(100_000))
                        .setSaveNumber(70)
                        .setAnswer(Answer.newBuilder()
                                .setChoices(ChoiceAnswer.newBuilder().addOptionIds("A")))
                        .build()));
        assertThat(hugeQuestion.getStatus().getCode())
                .as("not a retryable-looking RESOURCE_EXHAUSTED")
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        ErrorInfo info = hugeQuestion.getTrailers().get(ErrorMapping.ERROR_INFO_KEY);
        assertThat(info.getReason()).isEqualTo("INVALID_QUESTION_ID");
        assertThat(info.getMessage()).hasSizeLessThan(200).contains("100000 characters");
        assertThat(info.getQuestionId()).isEmpty();

        StatusRuntimeException hugeSession = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> candidate.resumeSession(io.amphi.proto.delivery.v1.ResumeSessionRequest.newBuilder()
                        .setSessionId("s".repeat(1_000_000))
                        .build()));
        assertThat(hugeSession.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(hugeSession.getStatus().getDescription()).hasSizeLessThan(200);

        StatusRuntimeException manyOptions = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> candidate.saveAnswer(SaveAnswerRequest.newBuilder()
                        .setSessionId(session)
                        .setQuestionId("q2")
                        .setSaveNumber(71)
                        .setAnswer(Answer.newBuilder()
                                .setChoices(ChoiceAnswer.newBuilder()
                                        .addAllOptionIds(java.util.Collections.nCopies(10_000, "A"))))
                        .build()));
        assertThat(manyOptions.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(storedEvents()).isEqualTo(before);
    }

    @Test
    void saveNumbersStayWhereEveryClientCountsExactly() {
        DeliveryServiceBlockingStub candidate = delivery.withToken(token);
        long before = storedEvents();
        for (long tooHigh : new long[] {Long.MAX_VALUE, -1L, 1L << 53}) {
            StatusRuntimeException refused = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> candidate.saveAnswer(SaveAnswerRequest.newBuilder()
                            .setSessionId(session)
                            .setQuestionId("q5")
                            .setSaveNumber(tooHigh)
                            .setAnswer(Answer.newBuilder()
                                    .setLikert(io.amphi.proto.delivery.v1.LikertAnswer.newBuilder()
                                            .setValue(1)))
                            .build()));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(refused.getStatus().getDescription())
                    .as("the number as sent, unsigned")
                    .contains(Long.toUnsignedString(tooHigh))
                    .doesNotContain("got -");
        }
        assertThat(storedEvents()).isEqualTo(before);

        StatusRuntimeException farAhead = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> candidate.saveAnswer(SaveAnswerRequest.newBuilder()
                        .setSessionId(session)
                        .setQuestionId("q6")
                        .setSaveNumber((1L << 53) - 1)
                        .setAnswer(Answer.newBuilder()
                                .setLikert(io.amphi.proto.delivery.v1.LikertAnswer.newBuilder()
                                        .setValue(2)))
                        .build()));
        assertThat(farAhead.getStatus().getCode())
                .as("a number no session reaches is a bug, refused")
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(storedEvents()).isEqualTo(before);

        SaveAnswerRequest.Builder next = SaveAnswerRequest.newBuilder()
                .setSessionId(session)
                .setQuestionId("q6")
                .setSaveNumber(90)
                .setAnswer(Answer.newBuilder()
                        .setLikert(io.amphi.proto.delivery.v1.LikertAnswer.newBuilder()
                                .setValue(2)));
        assertThat(candidate.saveAnswer(next.build()).getOutcome()).isEqualTo(SaveOutcome.SAVE_OUTCOME_APPLIED);
        assertThat(candidate.saveAnswer(next.build()).getOutcome()).isEqualTo(SaveOutcome.SAVE_OUTCOME_DUPLICATE);
        assertThat(candidate
                        .saveAnswer(next.setQuestionId("q5").setSaveNumber(91).build())
                        .getOutcome())
                .as("numbering goes on")
                .isEqualTo(SaveOutcome.SAVE_OUTCOME_APPLIED);
    }

    @Test
    void aProctorsReasonIsBoundedBeforeItReachesThePermanentLog() {
        long before = storedEvents();
        StatusRuntimeException refused = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> delivery.asProctor("proctor-wire")
                        .extendTime(ExtendTimeRequest.newBuilder()
                                .setSessionId(session)
                                .setExtension(Duration.newBuilder().setSeconds(300))
                                .setReason("r".repeat(1_000_000))
                                .build()));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getTrailers().get(ErrorMapping.ERROR_INFO_KEY).getReason())
                .isEqualTo("TOO_LONG");
        assertThat(storedEvents()).isEqualTo(before);
    }

    @Test
    void statusDetailsAreForOperatorsAndAuditorsOnly() {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", delivery.port())
                .usePlaintext()
                .build();
        try {
            var anonymous = PlatformStatusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
            await().atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> anonymous
                            .getStatus(GetStatusRequest.getDefaultInstance())
                            .getServing());
            PlatformStatus anyone = anonymous.getStatus(GetStatusRequest.getDefaultInstance());
            assertThat(anyone.getService()).isEqualTo("amphi-delivery");
            assertThat(anyone.getClusterName()).isEmpty();
            assertThat(anyone.getMemberAddressesList()).isEmpty();
            assertThat(anyone.hasServerTime()).isFalse();
            PlatformStatus candidate = RunningDelivery.withHeader(anonymous, "authorization", "Bearer " + token)
                    .getStatus(GetStatusRequest.getDefaultInstance());
            assertThat(candidate.getMemberAddressesList())
                    .as("a candidate learns no more")
                    .isEmpty();

            PlatformStatus operator = delivery.status();
            assertThat(operator.getClusterName()).isEqualTo(delivery.clusterName());
            assertThat(operator.getMemberAddressesList()).isNotEmpty();
            assertThat(operator.getDatabaseReachable()).isTrue();
            PlatformStatus auditor = RunningDelivery.withHeader(
                            anonymous,
                            "authorization",
                            "Bearer " + delivery.auth().auditorToken("auditor-wire"))
                    .getStatus(GetStatusRequest.getDefaultInstance());
            assertThat(auditor.getClusterMembers()).isPositive();

            HealthCheckResponse liveness = HealthGrpc.newBlockingStub(channel)
                    .check(HealthCheckRequest.newBuilder()
                            .setService("liveness")
                            .build());
            assertThat(liveness.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        } finally {
            channel.shutdownNow();
        }
    }
}
