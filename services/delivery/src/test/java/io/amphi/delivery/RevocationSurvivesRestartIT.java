package io.amphi.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.platform.grpc.ErrorMapping;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.amphi.proto.auth.v1.RevokeRequest;
import io.amphi.proto.common.v1.ErrorInfo;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.ResumeSessionRequest;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A revocation outlives the whole platform: a candidate's access is withdrawn, every member stops,
 * every member starts again on the same data, and the candidate's earlier token is refused by
 * delivery and the candidate cannot sign in, then or hours later. While delivery does not hold the revocations yet
 * (auth still down), it says NOT_SERVING and lets no token through.
 */
class RevocationSurvivesRestartIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;

    @TempDir
    Path authData;

    @TempDir
    Path deliveryData;

    @Test
    void aWithdrawnTokenStaysRefusedAfterEveryMemberRestarts() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        String cluster = "revocation-" + UUID.randomUUID();
        int authPort = freePort();
        String excludedToken;
        String excludedCode;
        String honestToken;
        String session = EXAM + ":cand-excluded";

        try (RunningAuth auth = RunningAuth.startOn(authData, clock, cluster, "amphi.grpc.port=" + authPort);
                RunningDelivery delivery = RunningDelivery.startWith(deliveryData, clock, auth, cluster)) {
            delivery.openDemoExam(
                    clock,
                    List.of(
                            new Enrolment(EXAM, "cand-excluded", Duration.ZERO),
                            new Enrolment(EXAM, "cand-honest", Duration.ZERO)));
            excludedToken = auth.candidateToken(EXAM, "cand-excluded");
            honestToken = auth.candidateToken(EXAM, "cand-honest");
            excludedCode = auth.accessCode(EXAM, "cand-excluded");
            DeliveryServiceBlockingStub excluded = delivery.withToken(excludedToken);
            excluded.startSession(
                    StartSessionRequest.newBuilder().setExamId(EXAM).build());
            excluded.saveAnswer(save(session, 1));

            clock.advance(Duration.ofSeconds(1));
            auth.auth()
                    .withInterceptors(bearer(auth.proctorToken("proctor-revoker")))
                    .revoke(RevokeRequest.newBuilder()
                            .setSubject("cand-excluded")
                            .setExamId(EXAM)
                            .setReason("caught with notes")
                            .build());
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(reason(() -> excluded.saveAnswer(save(session, 2))))
                            .isEqualTo("ACCESS_WITHDRAWN"));
        }

        // Every member is down. Delivery comes back first, while auth is still down.
        try (RunningDelivery delivery = RunningDelivery.startWith(
                deliveryData, clock, null, cluster, "amphi.auth.address=127.0.0.1:" + authPort)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", delivery.port())
                    .usePlaintext()
                    .build();
            try {
                assertThat(readiness(channel))
                        .as("without the revocations, not ready")
                        .isEqualTo(ServingStatus.NOT_SERVING);
                StatusRuntimeException waiting = catchThrowableOfType(
                        StatusRuntimeException.class,
                        () -> delivery.withToken(excludedToken).saveAnswer(save(session, 3)));
                assertThat(waiting.getStatus().getCode())
                        .as("no token is let through meanwhile")
                        .isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(waiting.getTrailers()
                                .get(ErrorMapping.ERROR_INFO_KEY)
                                .getRetryable())
                        .isTrue();

                try (RunningAuth auth = RunningAuth.startOn(authData, clock, cluster, "amphi.grpc.port=" + authPort)) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> readiness(channel) == ServingStatus.SERVING);

                    assertThat(reason(() -> delivery.withToken(excludedToken).saveAnswer(save(session, 4))))
                            .as("the earlier token is refused after the restart")
                            .isEqualTo("ACCESS_WITHDRAWN");
                    assertThat(reason(() -> delivery.withToken(excludedToken)
                                    .resumeSession(ResumeSessionRequest.newBuilder()
                                            .setSessionId(session)
                                            .build())))
                            .isEqualTo("ACCESS_WITHDRAWN");
                    assertThat(reason(() -> auth.auth()
                                    .loginCandidate(LoginCandidateRequest.newBuilder()
                                            .setExamId(EXAM)
                                            .setCandidateNumber("cand-excluded")
                                            .setAccessCode(excludedCode)
                                            .build())))
                            .as("and the candidate cannot sign in again")
                            .isEqualTo("ACCESS_WITHDRAWN");
                    assertThat(delivery.withToken(honestToken)
                                    .startSession(StartSessionRequest.newBuilder()
                                            .setExamId(EXAM)
                                            .build())
                                    .hasSession())
                            .as("others carry on")
                            .isTrue();
                    assertThat(delivery.storedEventTypes(session))
                            .as("nothing was stored after the revocation")
                            .containsExactly("SessionStarted", "AnswerSaved");

                    clock.advance(Duration.ofHours(3));
                    assertThat(reason(() -> auth.auth()
                                    .loginCandidate(LoginCandidateRequest.newBuilder()
                                            .setExamId(EXAM)
                                            .setCandidateNumber("cand-excluded")
                                            .setAccessCode(excludedCode)
                                            .build())))
                            .as("hours later, still barred")
                            .isEqualTo("ACCESS_WITHDRAWN");
                }
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static SaveAnswerRequest save(String session, int number) {
        return SaveAnswerRequest.newBuilder()
                .setSessionId(session)
                .setQuestionId("q1")
                .setSaveNumber(number)
                .setAnswer(
                        Answer.newBuilder().setChoices(ChoiceAnswer.newBuilder().addOptionIds("A")))
                .build();
    }

    private static String reason(Runnable call) {
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(refused).as("refused").isNotNull();
        ErrorInfo info = refused.getTrailers().get(ErrorMapping.ERROR_INFO_KEY);
        return info == null ? refused.getStatus().getCode().name() : info.getReason();
    }

    private static ServingStatus readiness(ManagedChannel channel) {
        return HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder().setService("").build())
                .getStatus();
    }

    private static io.grpc.ClientInterceptor bearer(String token) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(
                io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
