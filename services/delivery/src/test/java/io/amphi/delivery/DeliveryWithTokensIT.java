package io.amphi.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.ServiceAccounts;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.proto.auth.v1.AuthenticateClientRequest;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.amphi.proto.auth.v1.RevokeRequest;
import io.amphi.proto.delivery.v1.ExtendTimeRequest;
import io.amphi.proto.delivery.v1.ResumeSessionRequest;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery with the real auth service: callers are who their signed tokens say, verified locally;
 * headers prove nothing; a candidate reaches only their own session of the exam they signed in for.
 */
class DeliveryWithTokensIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;

    @TempDir
    Path deliveryData;

    @Test
    void callersAreWhoTheirTokensSay() {
        Clock clock = Clock.systemUTC();
        try (RunningDelivery delivery = RunningDelivery.start(deliveryData, clock)) {
            RunningAuth auth = delivery.auth();
            auth.bean(CandidateCredentials.class)
                    .store(List.of(
                            new CandidateCredentials.Issued(EXAM, "cand-001", "CODE-A1B2-C3D4"),
                            new CandidateCredentials.Issued(EXAM, "cand-002", "CODE-E5F6-G7H8"),
                            new CandidateCredentials.Issued("other-exam", "cand-001", "CODE-I9J0-K1L2")));
            delivery.openDemoExam(
                    clock,
                    List.of(
                            new Enrolment(EXAM, "cand-001", Duration.ZERO),
                            new Enrolment(EXAM, "cand-002", Duration.ZERO)));
            var signIn = auth.auth();
            String first = signIn.loginCandidate(LoginCandidateRequest.newBuilder()
                            .setExamId(EXAM)
                            .setCandidateNumber("cand-001")
                            .setAccessCode("CODE-A1B2-C3D4")
                            .build())
                    .getAccessToken();
            String second = signIn.loginCandidate(LoginCandidateRequest.newBuilder()
                            .setExamId(EXAM)
                            .setCandidateNumber("cand-002")
                            .setAccessCode("CODE-E5F6-G7H8")
                            .build())
                    .getAccessToken();
            String otherExam = signIn.loginCandidate(LoginCandidateRequest.newBuilder()
                            .setExamId("other-exam")
                            .setCandidateNumber("cand-001")
                            .setAccessCode("CODE-I9J0-K1L2")
                            .build())
                    .getAccessToken();

            String session = delivery.withToken(first)
                    .startSession(
                            StartSessionRequest.newBuilder().setExamId(EXAM).build())
                    .getSession()
                    .getSessionId();
            assertThat(session).isEqualTo("demo-cardiology:cand-001");
            ResumeSessionRequest resume =
                    ResumeSessionRequest.newBuilder().setSessionId(session).build();

            assertRefused(
                    Status.Code.PERMISSION_DENIED,
                    () -> delivery.withToken(second).resumeSession(resume));
            assertRefused(
                    Status.Code.PERMISSION_DENIED,
                    () -> delivery.withToken(otherExam).resumeSession(resume));
            assertRefused(
                    Status.Code.UNAUTHENTICATED,
                    () -> RunningDelivery.withHeader(delivery.anonymous(), "amphi-candidate-id", "cand-001")
                            .resumeSession(resume));
            assertRefused(
                    Status.Code.UNAUTHENTICATED,
                    () -> delivery.withToken(first.substring(0, first.length() - 4) + "AAAA")
                            .resumeSession(resume));
            assertThat(delivery.withToken(first).resumeSession(resume).getCandidateId())
                    .isEqualTo("cand-001");

            String proctorSecret = auth.bean(ServiceAccounts.class)
                    .create("proctor-room-3", "proctor", Set.of(), Set.of(EXAM))
                    .secret();
            String proctor = signIn.authenticateClient(AuthenticateClientRequest.newBuilder()
                            .setClientId("proctor-room-3")
                            .setClientSecret(proctorSecret)
                            .build())
                    .getAccessToken();
            ExtendTimeRequest extension = ExtendTimeRequest.newBuilder()
                    .setSessionId(session)
                    .setReason("fire alarm")
                    .setExtension(com.google.protobuf.Duration.newBuilder().setSeconds(300))
                    .build();
            assertRefused(
                    Status.Code.PERMISSION_DENIED,
                    () -> delivery.withToken(first).extendTime(extension));
            assertThat(delivery.withToken(proctor)
                            .extendTime(extension)
                            .getRemaining()
                            .getSeconds())
                    .isGreaterThan(Duration.ofHours(2).toSeconds());

            RevokeRequest exclusion = RevokeRequest.newBuilder()
                    .setSubject("cand-001")
                    .setExamId(EXAM)
                    .setReason("caught with notes")
                    .build();
            assertRefused(
                    Status.Code.PERMISSION_DENIED,
                    () -> withBearer(signIn, second).revoke(exclusion));
            long revokedAt = System.nanoTime();
            withBearer(signIn, proctor).revoke(exclusion);
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> catchThrowableOfType(
                                    StatusRuntimeException.class,
                                    () -> delivery.withToken(first).resumeSession(resume))
                            != null);
            System.out.printf(
                    "Revocation reached delivery within %d ms%n", (System.nanoTime() - revokedAt) / 1_000_000);
            assertRefused(
                    Status.Code.UNAUTHENTICATED, () -> delivery.withToken(first).resumeSession(resume));
            assertRefused(
                    Status.Code.PERMISSION_DENIED,
                    () -> signIn.loginCandidate(LoginCandidateRequest.newBuilder()
                            .setExamId(EXAM)
                            .setCandidateNumber("cand-001")
                            .setAccessCode("CODE-A1B2-C3D4")
                            .build()));
            assertThat(delivery.withToken(second)
                            .startSession(StartSessionRequest.newBuilder()
                                    .setExamId(EXAM)
                                    .build())
                            .hasSession())
                    .as("others are not affected")
                    .isTrue();
        }
    }

    private static void assertRefused(Status.Code code, Runnable call) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(error).isNotNull();
        assertThat(error.getStatus().getCode()).isEqualTo(code);
    }

    private static <S extends AbstractStub<S>> S withBearer(S stub, String token) {
        return RunningDelivery.withHeader(stub, "authorization", "Bearer " + token);
    }
}
