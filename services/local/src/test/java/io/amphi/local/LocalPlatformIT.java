package io.amphi.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.amphi.auth.store.CandidateCredentials;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.StartSessionResponse;
import io.amphi.proto.platform.v1.GetStatusRequest;
import io.amphi.proto.platform.v1.PlatformStatusServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local platform as `./run-local` starts it: sign in with a printed code, start the demo exam. */
class LocalPlatformIT {

    @TempDir
    Path data;

    @Test
    void aDemoCandidateSignsInAndStartsTheDemoExam() {
        try (LocalPlatform platform =
                LocalPlatform.start(data, new LocalPlatform.Ports(0, 0, 0, 0, 0), "local-it-" + UUID.randomUUID())) {
            CandidateCredentials.Issued candidate = platform.candidates().getFirst();
            ManagedChannel authChannel = NettyChannelBuilder.forAddress("127.0.0.1", platform.authPort())
                    .usePlaintext()
                    .build();
            ManagedChannel deliveryChannel = NettyChannelBuilder.forAddress("127.0.0.1", platform.deliveryPort())
                    .usePlaintext()
                    .build();
            try {
                String token = AuthServiceGrpc.newBlockingStub(authChannel)
                        .loginCandidate(LoginCandidateRequest.newBuilder()
                                .setExamId(candidate.examId())
                                .setCandidateNumber(candidate.candidateNumber())
                                .setAccessCode(candidate.accessCode())
                                .build())
                        .getAccessToken();
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                StartSessionResponse started = DeliveryServiceGrpc.newBlockingStub(deliveryChannel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                        .startSession(StartSessionRequest.newBuilder()
                                .setExamId(candidate.examId())
                                .build());
                assertThat(started.getSession().getCandidateId()).isEqualTo(candidate.candidateNumber());
                assertThat(candidate.accessCode()).matches("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}");
                assertThat(platform.staff())
                        .extracting(a -> a.account().role())
                        .containsExactly("proctor", "university", "auditor");
                assertThat(platform.staff())
                        .allSatisfy(a -> assertThat(a.secret()).hasSizeGreaterThanOrEqualTo(43));
                assertThat(List.of(platform.authPort(), platform.deliveryPort(), platform.scoringPort()))
                        .as("in one process, each service reads its own configuration file")
                        .map(port -> service(port))
                        .containsExactly("amphi-auth", "amphi-delivery", "amphi-scoring");
            } finally {
                authChannel.shutdownNow();
                deliveryChannel.shutdownNow();
            }
        }
    }

    private static String service(int port) {
        ManagedChannel channel =
                NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            return PlatformStatusServiceGrpc.newBlockingStub(channel)
                    .getStatus(GetStatusRequest.getDefaultInstance())
                    .getService();
        } finally {
            channel.shutdownNow();
        }
    }
}
