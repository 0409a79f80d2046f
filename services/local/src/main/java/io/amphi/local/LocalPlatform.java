package io.amphi.local;

import com.zaxxer.hikari.HikariDataSource;
import io.amphi.auth.AuthApplication;
import io.amphi.auth.domain.AccessCodes;
import io.amphi.auth.http.JwksHttpEndpoint;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.ServiceAccounts;
import io.amphi.delivery.DeliveryApplication;
import io.amphi.delivery.demo.DemoExam;
import io.amphi.gateway.GatewayApplication;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import io.amphi.scoring.ScoringApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole platform in one process on embedded defaults: the auth service with its embedded
 * PostgreSQL, the delivery service with another, and the scoring service on delivery's (they share
 * the event store), all under {@code .amphi-data/}, members of one Hazelcast cluster on loopback,
 * verifying the tokens auth issues; and the gateway in front of them, serving REST and the web app.
 * Auth trusts loopback to name the client in {@code x-forwarded-for}, as it trusts the gateway's
 * addresses in a deployment: on this machine every process is local anyway. Demo access codes and the secrets of a proctor, a university
 * and an auditor are made at every start (none is ever stored in the repository) and printed.
 */
public final class LocalPlatform implements AutoCloseable {

    private final ConfigurableApplicationContext auth;
    private final ConfigurableApplicationContext delivery;
    private final ConfigurableApplicationContext scoring;
    private final ConfigurableApplicationContext gateway;
    private final List<CandidateCredentials.Issued> candidates;
    private final List<ServiceAccounts.Created> staff;

    private LocalPlatform(
            ConfigurableApplicationContext auth,
            ConfigurableApplicationContext delivery,
            ConfigurableApplicationContext scoring,
            ConfigurableApplicationContext gateway,
            List<CandidateCredentials.Issued> candidates,
            List<ServiceAccounts.Created> staff) {
        this.auth = auth;
        this.delivery = delivery;
        this.scoring = scoring;
        this.gateway = gateway;
        this.candidates = candidates;
        this.staff = staff;
    }

    /** The ports of a local platform; 0 picks a free one (tests). */
    public record Ports(int auth, int delivery, int scoring, int jwksHttp, int gateway) {}

    public static void main(String[] args) {
        LocalPlatform platform =
                start(Path.of(".amphi-data"), new Ports(9091, 9090, 9092, 8081, 8080), "amphi-local", args);
        Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "amphi-local-shutdown"));
        platform.announce();
    }

    /**
     * Starts the services.
     *
     * @param deliveryOptions more settings for delivery, e.g. {@code --amphi.demo.exam-file=my-exam.json}
     */
    public static LocalPlatform start(Path data, Ports ports, String cluster, String... deliveryOptions) {
        ConfigurableApplicationContext auth = new SpringApplicationBuilder(AuthApplication.class)
                .run(
                        "--amphi.grpc.port=" + ports.auth(),
                        "--amphi.auth.http.port=" + ports.jwksHttp(),
                        "--amphi.grpc.trusted-proxies=127.0.0.1,::1",
                        "--amphi.embedded-postgres.data-directory=" + data.resolve("auth/postgres"),
                        "--amphi.hazelcast.cluster-name=" + cluster);
        String authAddress =
                "127.0.0.1:" + auth.getBean(GrpcServerLifecycle.class).port();
        List<String> deliveryArgs = new ArrayList<>(List.of(
                "--spring.profiles.active=local",
                "--amphi.grpc.port=" + ports.delivery(),
                "--amphi.embedded-postgres.data-directory=" + data.resolve("delivery/postgres"),
                "--amphi.hazelcast.cluster-name=" + cluster,
                "--amphi.auth.address=" + authAddress));
        deliveryArgs.addAll(List.of(deliveryOptions));
        ConfigurableApplicationContext delivery =
                new SpringApplicationBuilder(DeliveryApplication.class).run(deliveryArgs.toArray(String[]::new));
        ConfigurableApplicationContext scoring = new SpringApplicationBuilder(ScoringApplication.class)
                .run(
                        "--amphi.grpc.port=" + ports.scoring(),
                        "--spring.datasource.url="
                                + delivery.getBean(HikariDataSource.class).getJdbcUrl(),
                        "--amphi.hazelcast.cluster-name=" + cluster,
                        "--amphi.auth.address=" + authAddress);
        ConfigurableApplicationContext gateway = GatewayApplication.builder()
                .run(
                        "--server.port=" + ports.gateway(),
                        "--amphi.gateway.auth-address=" + authAddress,
                        "--amphi.gateway.delivery-address=127.0.0.1:"
                                + delivery.getBean(GrpcServerLifecycle.class).port(),
                        "--amphi.gateway.scoring-address=127.0.0.1:"
                                + scoring.getBean(GrpcServerLifecycle.class).port());

        String examId = delivery.getBean(DemoExam.class).content().examId();
        List<CandidateCredentials.Issued> candidates = new ArrayList<>();
        for (String candidate : DemoExam.CANDIDATES) {
            candidates.add(new CandidateCredentials.Issued(examId, candidate, AccessCodes.generate()));
        }
        auth.getBean(CandidateCredentials.class).store(candidates);
        ServiceAccounts accounts = auth.getBean(ServiceAccounts.class);
        String suffix = "-" + AccessCodes.generate().substring(0, 4).toLowerCase();
        List<ServiceAccounts.Created> staff = List.of(
                accounts.create("proctor" + suffix, "proctor", Set.of(), Set.of(examId)),
                accounts.create(
                        "university" + suffix, "university", Set.of("exams:write", "results:read"), Set.of(examId)),
                accounts.create("auditor" + suffix, "auditor", Set.of(), Set.of()));
        return new LocalPlatform(auth, delivery, scoring, gateway, candidates, staff);
    }

    public int authPort() {
        return auth.getBean(GrpcServerLifecycle.class).port();
    }

    public int deliveryPort() {
        return delivery.getBean(GrpcServerLifecycle.class).port();
    }

    /** The gateway's HTTP port. */
    public int gatewayPort() {
        return ((WebServerApplicationContext) gateway).getWebServer().getPort();
    }

    public List<CandidateCredentials.Issued> candidates() {
        return candidates;
    }

    /** The JDBC URL of the auth service's database as its role, where service accounts are created. */
    public String authDatabase() {
        return auth.getBean(HikariDataSource.class).getJdbcUrl() + "?user=amphi_auth&currentSchema=auth";
    }

    /** The JDBC URL of delivery's own tables, as delivery's role. */
    public String deliveryDatabase() {
        return delivery.getBean(HikariDataSource.class).getJdbcUrl() + "?user=amphi_delivery&currentSchema=delivery";
    }

    /** The JDBC URL of the event store delivery and scoring share, as the auditor reads it. */
    public String eventStore() {
        return delivery.getBean(HikariDataSource.class).getJdbcUrl() + "?user=amphi_auditor";
    }

    public int scoringPort() {
        return scoring.getBean(GrpcServerLifecycle.class).port();
    }

    /** Where service accounts are made, e.g. a proctor bound to one site. */
    public ServiceAccounts serviceAccounts() {
        return auth.getBean(ServiceAccounts.class);
    }

    /** The proctor's, the university's and the auditor's service accounts, with their secrets. */
    public List<ServiceAccounts.Created> staff() {
        return staff;
    }

    private void announce() {
        String examId = candidates.getFirst().examId();
        StringBuilder codes = new StringBuilder();
        candidates.forEach(c -> codes.append("   %s  %s%n".formatted(c.candidateNumber(), c.accessCode())));
        StringBuilder accounts = new StringBuilder();
        staff.forEach(a -> accounts.append("   %-10s %-16s secret %s%n"
                .formatted(a.account().role(), a.account().clientId(), a.secret())));
        String gatewayUrl = "http://127.0.0.1:" + gatewayPort();
        System.out.printf(
                """

                ==============================================================================
                 Amphi is running locally. Take the demo exam in a browser: %s
                 REST API: %s/api/v1   its documentation: %s/api/v1/docs
                 Auth     (gRPC): 127.0.0.1:%d   JWKS: http://127.0.0.1:%d/.well-known/jwks.json
                 Delivery (gRPC): 127.0.0.1:%d   exam %s, open now
                 Scoring  (gRPC): 127.0.0.1:%d
                 Demo candidates and their access codes (new at every start):
                %s Service accounts (POST /api/v1/auth/client; new at every start):
                %s Sign in and start the exam over REST, e.g. with curl:
                   curl -s -X POST %s/api/v1/auth/candidate -H 'content-type: application/json' \\
                     -d '{"examId":"%s","candidateNumber":"%s","accessCode":"%s"}'
                   curl -s -X POST %s/api/v1/exams/%s/session -H "authorization: Bearer $ACCESS_TOKEN"
                 Event store: %s
                   ./audit verify --db '%s' --exam %s
                 Auth database: %s
                   ./accounts list --db '%s'
                 Data is kept in .amphi-data/; stop with Ctrl-C.
                ==============================================================================
                %n""",
                gatewayUrl + "/?exam=" + examId,
                gatewayUrl,
                gatewayUrl,
                authPort(),
                auth.getBean(JwksHttpEndpoint.class).port(),
                deliveryPort(),
                examId,
                scoringPort(),
                codes,
                accounts,
                gatewayUrl,
                examId,
                candidates.getFirst().candidateNumber(),
                candidates.getFirst().accessCode(),
                gatewayUrl,
                examId,
                eventStore(),
                eventStore(),
                examId,
                authDatabase(),
                authDatabase());
    }

    @Override
    public void close() {
        gateway.close();
        scoring.close();
        delivery.close();
        auth.close();
    }
}
