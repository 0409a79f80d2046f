package io.amphi.local;

import io.amphi.auth.AuthApplication;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.ServiceAccounts;
import io.amphi.delivery.DeliveryApplication;
import io.amphi.delivery.demo.DemoExam;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole platform in one process on embedded defaults: the auth service and the delivery
 * service, each with its own embedded PostgreSQL under {@code .amphi-data/}, both members of one
 * Hazelcast cluster on loopback, delivery verifying the tokens auth issues. Demo access codes and
 * a proctor's secret are made at every start (none is ever stored in the repository) and printed.
 */
public final class LocalPlatform implements AutoCloseable {

    private static final char[] CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    private final ConfigurableApplicationContext auth;
    private final ConfigurableApplicationContext delivery;
    private final List<CandidateCredentials.Issued> candidates;
    private final ServiceAccounts.Created proctor;

    private LocalPlatform(ConfigurableApplicationContext auth, ConfigurableApplicationContext delivery,
                          List<CandidateCredentials.Issued> candidates, ServiceAccounts.Created proctor) {
        this.auth = auth;
        this.delivery = delivery;
        this.candidates = candidates;
        this.proctor = proctor;
    }

    public static void main(String[] args) {
        LocalPlatform platform = start(Path.of(".amphi-data"), 9091, 9090, 8081, "amphi-local", args);
        Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "amphi-local-shutdown"));
        platform.announce();
    }

    /**
     * Starts both services; ports may be 0 (tests).
     *
     * @param deliveryOptions more settings for delivery, e.g. {@code --amphi.demo.exam-file=my-exam.json}
     */
    public static LocalPlatform start(Path data, int authPort, int deliveryPort, int jwksHttpPort, String cluster,
                                      String... deliveryOptions) {
        ConfigurableApplicationContext auth = new SpringApplicationBuilder(AuthApplication.class).run(
                "--amphi.grpc.port=" + authPort,
                "--amphi.auth.http.port=" + jwksHttpPort,
                "--amphi.embedded-postgres.data-directory=" + data.resolve("auth/postgres"),
                "--amphi.hazelcast.cluster-name=" + cluster);
        String authAddress = "127.0.0.1:" + auth.getBean(GrpcServerLifecycle.class).port();
        List<String> deliveryArgs = new ArrayList<>(List.of(
                "--spring.profiles.active=local",
                "--amphi.grpc.port=" + deliveryPort,
                "--amphi.embedded-postgres.data-directory=" + data.resolve("delivery/postgres"),
                "--amphi.hazelcast.cluster-name=" + cluster,
                "--amphi.auth.address=" + authAddress));
        deliveryArgs.addAll(List.of(deliveryOptions));
        ConfigurableApplicationContext delivery = new SpringApplicationBuilder(DeliveryApplication.class)
                .run(deliveryArgs.toArray(String[]::new));

        String examId = delivery.getBean(DemoExam.class).content().examId();
        SecureRandom random = new SecureRandom();
        List<CandidateCredentials.Issued> candidates = new ArrayList<>();
        for (String candidate : DemoExam.CANDIDATES) {
            candidates.add(new CandidateCredentials.Issued(examId, candidate, accessCode(random)));
        }
        auth.getBean(CandidateCredentials.class).store(candidates);
        ServiceAccounts.Created proctor = auth.getBean(ServiceAccounts.class)
                .create("proctor-" + accessCode(random).substring(0, 4).toLowerCase(), "proctor", Set.of());
        return new LocalPlatform(auth, delivery, candidates, proctor);
    }

    /** 12 characters from an alphabet without look-alikes, grouped by four: 60 bits. */
    private static String accessCode(SecureRandom random) {
        String code = IntStream.range(0, 12).mapToObj(i -> String.valueOf(CODE_ALPHABET[random.nextInt(CODE_ALPHABET.length)]))
                .collect(Collectors.joining());
        return code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8);
    }

    public int authPort() {
        return auth.getBean(GrpcServerLifecycle.class).port();
    }

    public int deliveryPort() {
        return delivery.getBean(GrpcServerLifecycle.class).port();
    }

    public List<CandidateCredentials.Issued> candidates() {
        return candidates;
    }

    public ServiceAccounts.Created proctor() {
        return proctor;
    }

    private void announce() {
        String examId = candidates.getFirst().examId();
        StringBuilder codes = new StringBuilder();
        candidates.forEach(c -> codes.append("   %s  %s%n".formatted(c.candidateNumber(), c.accessCode())));
        System.out.printf("""

                ==============================================================================
                 Amphi is running locally.
                 Auth     (gRPC): 127.0.0.1:%d   JWKS: http://127.0.0.1:%d/.well-known/jwks.json
                 Delivery (gRPC): 127.0.0.1:%d   exam %s, open now
                 Demo candidates and their access codes (new at every start):
                %s Proctor service account: %s  secret %s
                 Sign in, then call delivery with the token, e.g. with grpcurl:
                   grpcurl -plaintext -d '{"exam_id":"%s","candidate_number":"%s","access_code":"%s"}' \\
                     127.0.0.1:%d amphi.auth.v1.AuthService/LoginCandidate
                   grpcurl -plaintext -H "authorization: Bearer $ACCESS_TOKEN" -d '{"exam_id":"%s"}' \\
                     127.0.0.1:%d amphi.delivery.v1.DeliveryService/StartSession
                 Data is kept in .amphi-data/; stop with Ctrl-C.
                ==============================================================================
                %n""", authPort(), auth.getBean(io.amphi.auth.http.JwksHttpEndpoint.class).port(), deliveryPort(),
                examId, codes, proctor.account().clientId(), proctor.secret(), examId,
                candidates.getFirst().candidateNumber(), candidates.getFirst().accessCode(), authPort(), examId,
                deliveryPort());
    }

    @Override
    public void close() {
        delivery.close();
        auth.close();
    }
}
