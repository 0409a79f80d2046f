package io.amphi.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.amphi.auth.AuthApplication;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.ServiceAccounts;
import io.amphi.proto.auth.v1.AuthenticateClientRequest;
import io.amphi.proto.delivery.v1.ExtendTimeRequest;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.amphi.proto.auth.v1.RevokeRequest;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.ResumeSessionRequest;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Delivery with the real auth service: callers are who their signed tokens say, verified locally;
 * headers prove nothing; a candidate reaches only their own session of the exam they signed in for.
 */
class DeliveryWithTokensIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;

    @TempDir
    Path authData;

    @TempDir
    Path deliveryData;

    @Test
    void callersAreWhoTheirTokensSay() throws Exception {
        Clock clock = Clock.systemUTC();
        String cluster = "tokens-" + UUID.randomUUID();
        try (ConfigurableApplicationContext auth = new SpringApplicationBuilder(AuthApplication.class).run(
                "--amphi.grpc.port=0", "--amphi.embedded-postgres.data-directory=" + authData,
                "--amphi.hazelcast.cluster-name=" + cluster, "--amphi.auth.http.port=0")) {
            auth.getBean(CandidateCredentials.class).store(List.of(
                    new CandidateCredentials.Issued(EXAM, "cand-001", "CODE-A1B2-C3D4"),
                    new CandidateCredentials.Issued(EXAM, "cand-002", "CODE-E5F6-G7H8"),
                    new CandidateCredentials.Issued("other-exam", "cand-001", "CODE-I9J0-K1L2")));
            String authAddress = "127.0.0.1:" + auth.getBean(GrpcServerLifecycle.class).port();
            ManagedChannel authChannel = NettyChannelBuilder.forTarget(authAddress).usePlaintext().build();

            try (RunningDelivery delivery = RunningDelivery.start(deliveryData, clock, "amphi.auth.address=" + authAddress,
                    "amphi.hazelcast.cluster-name=" + cluster)) {
                delivery.openDemoExam(clock, List.of(new Enrolment(EXAM, "cand-001", Duration.ZERO),
                        new Enrolment(EXAM, "cand-002", Duration.ZERO)));
                ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1",
                        delivery.bean(GrpcServerLifecycle.class).port()).usePlaintext().build();
                try {
                    var signIn = AuthServiceGrpc.newBlockingStub(authChannel);
                    String first = signIn.loginCandidate(LoginCandidateRequest.newBuilder().setExamId(EXAM)
                            .setCandidateNumber("cand-001").setAccessCode("CODE-A1B2-C3D4").build()).getAccessToken();
                    String second = signIn.loginCandidate(LoginCandidateRequest.newBuilder().setExamId(EXAM)
                            .setCandidateNumber("cand-002").setAccessCode("CODE-E5F6-G7H8").build()).getAccessToken();
                    String otherExam = signIn.loginCandidate(LoginCandidateRequest.newBuilder().setExamId("other-exam")
                            .setCandidateNumber("cand-001").setAccessCode("CODE-I9J0-K1L2").build()).getAccessToken();

                    String session = withToken(channel, first).startSession(
                            StartSessionRequest.newBuilder().setExamId(EXAM).build()).getSession().getSessionId();
                    assertThat(session).isEqualTo("demo-cardiology:cand-001");

                    assertRefused(Status.Code.PERMISSION_DENIED, () -> withToken(channel, second)
                            .resumeSession(ResumeSessionRequest.newBuilder().setSessionId(session).build()));
                    assertRefused(Status.Code.PERMISSION_DENIED, () -> withToken(channel, otherExam)
                            .resumeSession(ResumeSessionRequest.newBuilder().setSessionId(session).build()));
                    assertRefused(Status.Code.UNAUTHENTICATED, () -> withHeader(channel, "cand-001")
                            .resumeSession(ResumeSessionRequest.newBuilder().setSessionId(session).build()));
                    assertRefused(Status.Code.UNAUTHENTICATED, () -> withToken(channel, first.substring(0, first.length() - 4) + "AAAA")
                            .resumeSession(ResumeSessionRequest.newBuilder().setSessionId(session).build()));
                    assertThat(withToken(channel, first).resumeSession(
                            ResumeSessionRequest.newBuilder().setSessionId(session).build()).getCandidateId()).isEqualTo("cand-001");

                    String proctorSecret = auth.getBean(ServiceAccounts.class)
                            .create("proctor-room-3", "proctor", Set.of()).secret();
                    String proctor = signIn.authenticateClient(AuthenticateClientRequest.newBuilder()
                            .setClientId("proctor-room-3").setClientSecret(proctorSecret).build()).getAccessToken();
                    ExtendTimeRequest extension = ExtendTimeRequest.newBuilder().setSessionId(session)
                            .setReason("fire alarm").setExtension(com.google.protobuf.Duration.newBuilder().setSeconds(300)).build();
                    assertRefused(Status.Code.PERMISSION_DENIED, () -> withToken(channel, first).extendTime(extension));
                    assertThat(withToken(channel, proctor).extendTime(extension).getRemaining().getSeconds())
                            .isGreaterThan(Duration.ofHours(2).toSeconds());

                    RevokeRequest exclusion = RevokeRequest.newBuilder().setSubject("cand-001").setExamId(EXAM)
                            .setReason("caught with notes").build();
                    assertRefused(Status.Code.PERMISSION_DENIED, () -> withBearer(signIn, second).revoke(exclusion));
                    long revokedAt = System.nanoTime();
                    withBearer(signIn, proctor).revoke(exclusion);
                    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() ->
                            catchThrowableOfType(StatusRuntimeException.class, () -> withToken(channel, first).resumeSession(
                                    ResumeSessionRequest.newBuilder().setSessionId(session).build())) != null);
                    System.out.printf("Revocation reached delivery within %d ms%n", (System.nanoTime() - revokedAt) / 1_000_000);
                    assertRefused(Status.Code.UNAUTHENTICATED, () -> withToken(channel, first).resumeSession(
                            ResumeSessionRequest.newBuilder().setSessionId(session).build()));
                    assertRefused(Status.Code.PERMISSION_DENIED, () -> signIn.loginCandidate(LoginCandidateRequest.newBuilder()
                            .setExamId(EXAM).setCandidateNumber("cand-001").setAccessCode("CODE-A1B2-C3D4").build()));
                    assertThat(withToken(channel, second).startSession(StartSessionRequest.newBuilder().setExamId(EXAM).build())
                            .hasSession()).as("others are not affected").isTrue();
                } finally {
                    channel.shutdownNow();
                    authChannel.shutdownNow();
                }
            }
        }
    }

    private static void assertRefused(Status.Code code, Runnable call) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(error).isNotNull();
        assertThat(error.getStatus().getCode()).isEqualTo(code);
    }

    private static DeliveryServiceBlockingStub withToken(ManagedChannel channel, String token) {
        return withBearer(DeliveryServiceGrpc.newBlockingStub(channel), token);
    }

    private static <S extends AbstractStub<S>> S withBearer(S stub, String token) {
        return RunningDelivery.withHeader(stub, "authorization", "Bearer " + token);
    }

    private static DeliveryServiceBlockingStub withHeader(ManagedChannel channel, String candidate) {
        return RunningDelivery.withHeader(DeliveryServiceGrpc.newBlockingStub(channel), "amphi-candidate-id", candidate);
    }
}
