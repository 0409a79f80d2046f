package io.amphi.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import com.zaxxer.hikari.HikariDataSource;
import io.amphi.auth.admin.AccountsCli;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.AuthenticateClientRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** An administrator creates a university's account in the auth database; it signs in with the printed secret. */
class AccountsCliIT {

    @TempDir
    Path data;

    record Outcome(int exitCode, String out) {}

    private static Outcome accounts(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = AccountsCli.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                args);
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void createsAnAccountThatSignsInBoundToItsExams() throws Exception {
        try (ConfigurableApplicationContext auth = new SpringApplicationBuilder(AuthApplication.class)
                .run(
                        "--amphi.grpc.port=0",
                        "--amphi.auth.http.port=0",
                        "--amphi.embedded-postgres.data-directory=" + data,
                        "--amphi.hazelcast.cluster-name=accounts-" + UUID.randomUUID())) {
            String url = auth.getBean(HikariDataSource.class).getJdbcUrl();
            Outcome created = accounts(
                    "create",
                    "--db",
                    url,
                    "--password",
                    "",
                    "--client-id",
                    "univ-paris-cite",
                    "--role",
                    "university",
                    "--scope",
                    "exams:write",
                    "--scope",
                    "results:read",
                    "--exam",
                    "edn-2026");
            assertThat(created.exitCode()).as(created.out()).isZero();
            Matcher secret = Pattern.compile("secret +(\\S+)").matcher(created.out());
            assertThat(secret.find()).isTrue();

            ManagedChannel channel = NettyChannelBuilder.forAddress(
                            "127.0.0.1", auth.getBean(GrpcServerLifecycle.class).port())
                    .usePlaintext()
                    .build();
            try {
                String token = AuthServiceGrpc.newBlockingStub(channel)
                        .authenticateClient(AuthenticateClientRequest.newBuilder()
                                .setClientId("univ-paris-cite")
                                .setClientSecret(secret.group(1))
                                .build())
                        .getAccessToken();
                var claims = SignedJWT.parse(token).getJWTClaimsSet();
                assertThat(claims.getStringClaim("role")).isEqualTo("university");
                assertThat(claims.getStringClaim("scope")).isEqualTo("exams:write results:read");
                assertThat(claims.getStringClaim("exams")).isEqualTo("edn-2026");
            } finally {
                channel.shutdownNow();
            }

            Outcome again = accounts(
                    "create", "--db", url, "--password", "", "--client-id", "univ-paris-cite", "--role", "university");
            assertThat(again.exitCode()).isEqualTo(2);
            assertThat(again.out()).contains("that client id is taken");
            Outcome badRole = accounts("create", "--db", url, "--password", "", "--client-id", "x", "--role", "dean");
            assertThat(badRole.exitCode()).isEqualTo(2);
            assertThat(badRole.out()).contains("a proctor, a university, an auditor or a platform-operator");

            Outcome list = accounts("list", "--db", url, "--password", "");
            assertThat(list.out())
                    .contains("univ-paris-cite")
                    .contains("edn-2026")
                    .doesNotContain(secret.group(1));
        }
    }
}
