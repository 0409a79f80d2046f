package io.amphi.loadtests;

import io.amphi.audit.AuditCli;
import io.amphi.auth.AuthApplication;
import io.amphi.delivery.DeliveryApplication;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The services a benchmark runs in its own JVM: each on an embedded PostgreSQL in its own folder
 * under the benchmark's, all in one Hazelcast cluster, on ephemeral ports, logging warnings only.
 */
final class BenchmarkServices {

    private BenchmarkServices() {}

    /** The auth service; {@code settings} are further {@code --name=value} arguments. */
    static ConfigurableApplicationContext auth(Path data, String cluster, String... settings) {
        return new SpringApplicationBuilder(AuthApplication.class)
                .run(arguments(data.resolve("auth"), cluster, List.of("--amphi.auth.http.port=0"), settings));
    }

    /** The delivery service, verifying tokens with {@code auth}'s keys. */
    static ConfigurableApplicationContext delivery(
            Path data, String cluster, ConfigurableApplicationContext auth, String... settings) {
        return new SpringApplicationBuilder(DeliveryApplication.class)
                .run(arguments(
                        data.resolve("delivery"),
                        cluster,
                        List.of("--amphi.auth.address=127.0.0.1:"
                                + auth.getBean(GrpcServerLifecycle.class).port()),
                        settings));
    }

    /**
     * {@code ./audit verify} on the exam's log as the benchmark left it, with the auditor's own
     * code; prints its report, and fails the benchmark unless every chain is intact.
     */
    static void auditVerify(String jdbcUrl, String examId) {
        System.out.println("./audit verify --db " + jdbcUrl + " --exam " + examId);
        int exit = AuditCli.run(
                System.out, System.err, false, "verify", "--db", jdbcUrl, "--exam", examId, "--password", "");
        System.out.println("./audit verify exit status: " + exit);
        if (exit != 0) {
            throw new IllegalStateException("./audit verify found the benchmark's log damaged (exit " + exit + ")");
        }
    }

    /** Sends {@code accessToken} with every call, as a signed-in client does. */
    static ClientInterceptor bearer(String accessToken) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + accessToken);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** Removes a benchmark's folder (its databases' files) once its services have stopped. */
    static void deleteFolder(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("Could not remove " + folder + ": " + e.getMessage());
        }
    }

    private static String[] arguments(Path folder, String cluster, List<String> service, String... settings) {
        List<String> arguments = new ArrayList<>(List.of(
                "--amphi.grpc.port=0",
                "--logging.level.root=warn",
                "--amphi.embedded-postgres.data-directory=" + folder,
                "--amphi.hazelcast.cluster-name=" + cluster));
        arguments.addAll(service);
        arguments.addAll(List.of(settings));
        return arguments.toArray(String[]::new);
    }
}
