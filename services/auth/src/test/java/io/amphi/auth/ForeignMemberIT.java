package io.amphi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.ServiceAccounts;
import io.amphi.platform.cluster.ClusterConfigs;
import io.amphi.platform.cluster.ClusterProperties;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.AuthServiceGrpc.AuthServiceBlockingStub;
import io.amphi.proto.auth.v1.AuthenticateClientRequest;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.amphi.proto.auth.v1.RevokeRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Delivery and scoring are members of the same cluster as auth, in images without auth's classes.
 * Here such a member (a class loader that hides {@code io.amphi.auth}) owns part of the shared
 * state while candidates fail and succeed to sign in and a proctor withdraws access: everything
 * auth puts in the cluster must be readable there, or these calls would fail.
 */
class ForeignMemberIT {

    private static final String EXAM = "edn-2026";

    @TempDir
    Path data;

    /** Loads everything its parent does, except the auth service's own classes. */
    private static final class WithoutAuthClasses extends ClassLoader {
        WithoutAuthClasses(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("io.amphi.auth.")) {
                throw new ClassNotFoundException(name + " is not in this member's image");
            }
            return super.loadClass(name, resolve);
        }
    }

    @Test
    void aMemberWithoutAuthsClassesHoldsItsSharedState() {
        String cluster = "foreign-" + UUID.randomUUID();
        try (ConfigurableApplicationContext auth = new SpringApplicationBuilder(AuthApplication.class)
                .run(
                        "--amphi.grpc.port=0",
                        "--amphi.auth.http.port=0",
                        "--amphi.embedded-postgres.data-directory=" + data,
                        "--amphi.hazelcast.cluster-name=" + cluster,
                        "--amphi.auth.access-code-hash-iterations=1000")) {
            Config config = ClusterConfigs.memberConfig(
                    new ClusterProperties(cluster, "127.0.0.1", 5701, List.of("127.0.0.1"), null, 1), "delivery-like");
            config.setClassLoader(new WithoutAuthClasses(ForeignMemberIT.class.getClassLoader()));
            HazelcastInstance foreign = Hazelcast.newHazelcastInstance(config);
            ManagedChannel channel = NettyChannelBuilder.forAddress(
                            "127.0.0.1", auth.getBean(GrpcServerLifecycle.class).port())
                    .usePlaintext()
                    .build();
            try {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> foreign.getCluster().getMembers().size() == 2);
                AuthServiceBlockingStub stub = AuthServiceGrpc.newBlockingStub(channel);
                for (int i = 0; i < 40; i++) {
                    auth.getBean(CandidateCredentials.class)
                            .store(List.of(new CandidateCredentials.Issued(
                                    EXAM, "F%03d".formatted(i), "CODE-F%03d".formatted(i))));
                }
                for (int i = 0; i < 40; i++) {
                    String number = "F%03d".formatted(i);
                    assertThat(catchThrowableOfType(
                                            StatusRuntimeException.class,
                                            () -> stub.loginCandidate(login(number, "WRONG")))
                                    .getStatus()
                                    .getCode())
                            .isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(stub.loginCandidate(login(number, "CODE-" + number))
                                    .getAccessToken())
                            .isNotEmpty();
                }
                ServiceAccounts.Created proctor = auth.getBean(ServiceAccounts.class)
                        .create("proctor-foreign", "proctor", Set.of(), Set.of(EXAM));
                String token = stub.authenticateClient(AuthenticateClientRequest.newBuilder()
                                .setClientId("proctor-foreign")
                                .setClientSecret(proctor.secret())
                                .build())
                        .getAccessToken();
                Metadata bearer = new Metadata();
                bearer.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                for (int i = 0; i < 10; i++) {
                    stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer))
                            .revoke(RevokeRequest.newBuilder()
                                    .setSubject("F%03d".formatted(i))
                                    .setExamId(EXAM)
                                    .setReason("test")
                                    .build());
                }
                await().atMost(Duration.ofSeconds(10))
                        .until(() ->
                                foreign.getReplicatedMap("amphi-revocations").size() == 10);
                assertThat(foreign.getReplicatedMap("amphi-revocations").values())
                        .as("readable on a member without auth's classes")
                        .allMatch(value -> value instanceof long[]);
            } finally {
                channel.shutdownNow();
                foreign.shutdown();
            }
        }
    }

    private static LoginCandidateRequest login(String number, String code) {
        return LoginCandidateRequest.newBuilder()
                .setExamId(EXAM)
                .setCandidateNumber(number)
                .setAccessCode(code)
                .build();
    }
}
