package io.amphi.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.audit.AuditCli;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.delivery.DeliveryApplication;
import io.amphi.platform.db.EmbeddedPostgresServer;
import io.amphi.platform.db.MigrationCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * A database made by the last release before one schema per service ({@code 34cbb0f}), with an
 * exam in progress, upgraded (DATABASE.md), delivery's database by {@code upgrade-layout} as a
 * deployment runs it and auth's by the new release as it starts: nothing is lost, the
 * sessions of before keep their answers, a candidate starts and sits after it, and the log, its
 * chain hashes and the exam's seal verify.
 * The fixture is that release's own migrations and every row its run left (made by
 * {@code upgrade/make-fixture.sh}).
 */
class LayoutUpgradeIT {

    private static final String FIXTURE = "/upgrade/main-34cbb0f";
    private static final String EXAM = "demo-cardiology";
    private static final String EVENTS_DIGEST = """
            SELECT count(*) || ':' || md5(string_agg(event_identifier || aggregate_identifier || sequence_number
                || payload_type || encode(payload, 'hex') || encode(meta_data, 'hex') || encode(chain_hash, 'hex'),
                ',' ORDER BY global_index)) FROM %s""";

    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void anExamInProgressCarriesOnAfterTheUpgradeAndItsLogStillVerifies() throws Exception {
        String legacyEvents = restore("delivery");
        restore("auth");
        try (EmbeddedPostgresServer server =
                EmbeddedPostgresServer.start(data.resolve("delivery/postgres"), List.of())) {
            MigrationCommand.run(
                    DeliveryApplication.class,
                    "upgrade-layout",
                    "--spring.datasource.url=" + server.jdbcUrl("postgres"),
                    "--spring.datasource.username=postgres",
                    "--spring.datasource.password=");
        }

        try (LocalPlatform platform =
                LocalPlatform.start(data, new LocalPlatform.Ports(0, 0, 0, 0, 0), "upgrade-it-" + UUID.randomUUID())) {
            String server =
                    platform.eventStore().substring(0, platform.eventStore().indexOf('?'));
            try (Connection owner = DriverManager.getConnection(server, "postgres", "")) {
                assertThat(query(
                                owner,
                                EVENTS_DIGEST.formatted("event_store.domain_event_entry WHERE global_index <= 8")))
                        .as("every event of the release before, byte for byte, chain hashes included")
                        .isEqualTo(legacyEvents);
                assertThat(query(owner, "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'"))
                        .isEqualTo("flyway_schema_history_before_layout");
                await().atMost(Duration.ofSeconds(20))
                        .untilAsserted(() -> assertThat(query(
                                        owner,
                                        "SELECT count(*) FROM scoring.scoring_exam_content WHERE exam_id = '" + EXAM
                                                + "'"))
                                .as("scoring learned of the content stored before announcements")
                                .isEqualTo("1"));
                await().atMost(Duration.ofSeconds(20))
                        .untilAsserted(() -> assertThat(query(owner, "SELECT count(*) FROM scoring.scoring_session"))
                                .as("scoring replayed the log into its emptied read model")
                                .isEqualTo("3"));
            }

            PlatformRest rest = new PlatformRest(platform);
            // The fixture's sessions started when it was made: once their time is up the platform
            // hands them in by itself, so they are handed in here or found handed in, never resumed.
            CandidateCredentials.Issued halfway = candidate(platform, "cand-002");
            handIn(rest, halfway);
            assertThat(rest.storedAnswers(halfway))
                    .as("her save before the upgrade")
                    .containsEntry("q1", "{\"choices\":[\"B\"]}");
            handIn(rest, candidate(platform, "cand-003"));
            CandidateCredentials.Issued after = candidate(platform, "cand-004");
            String token = rest.candidateToken(after);
            rest.call("POST", "/exams/" + EXAM + "/session", token, null);
            rest.call(
                    "PUT",
                    "/sessions/" + EXAM + ":cand-004/answers/q2",
                    token,
                    Map.of("saveNumber", 1, "answer", Map.of("choices", List.of("A", "D"))));
            rest.call("POST", "/sessions/" + EXAM + ":cand-004/submission", token, null);
            assertThat(rest.storedAnswers(after)).containsEntry("q2", "{\"choices\":[\"A\",\"D\"]}");
            assertThat(rest.storedAnswers(candidate(platform, "cand-001")))
                    .containsEntry("q1", "{\"choices\":[\"C\"]}")
                    .containsEntry("q2", "{\"choices\":[\"A\",\"C\"]}");

            String university = rest.call(
                            "POST",
                            "/auth/client",
                            null,
                            Map.of(
                                    "clientId",
                                            platform.staff().get(1).account().clientId(),
                                    "clientSecret", platform.staff().get(1).secret()))
                    .path("accessToken")
                    .asText();
            Instant closed = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
            rest.call(
                    "PUT",
                    "/exams/" + EXAM + "/schedule",
                    university,
                    Map.of("opensAt", closed.minus(3, ChronoUnit.HOURS).toString(), "closesAt", closed.toString()));
            JsonNode seal = rest.call("POST", "/exams/" + EXAM + "/seal", university, null);
            assertThat(seal.path("sessionCount").asInt()).isEqualTo(4);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int verdict = AuditCli.run(
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    false,
                    "verify",
                    "--db",
                    platform.eventStore(),
                    "--exam",
                    EXAM,
                    "--password",
                    "",
                    "--expected-root",
                    seal.path("merkleRoot").asText());
            assertThat(verdict).as(out.toString(StandardCharsets.UTF_8)).isZero();
        }
    }

    /** Hands a session in, or finds it handed in already at its deadline. */
    private static void handIn(PlatformRest rest, CandidateCredentials.Issued candidate) throws Exception {
        JsonNode answer = rest.answer(
                "POST",
                "/sessions/" + EXAM + ":" + candidate.candidateNumber() + "/submission",
                rest.candidateToken(candidate),
                null);
        assertThat(answer.path("httpStatus").asInt() == 200
                        || "SUBMITTED".equals(answer.path("reason").asText()))
                .as(answer.toString())
                .isTrue();
    }

    private static CandidateCredentials.Issued candidate(LocalPlatform platform, String number) {
        return platform.candidates().stream()
                .filter(c -> c.candidateNumber().equals(number))
                .findFirst()
                .orElseThrow();
    }

    /**
     * Makes the database a service of the release before left in {@code data}: that release's
     * migrations, as it ran them, then every row. Returns the digest of its events.
     */
    private String restore(String service) throws Exception {
        Path fixture = Path.of(resource(FIXTURE + "/" + service + "-db"));
        try (EmbeddedPostgresServer server =
                EmbeddedPostgresServer.start(data.resolve(service + "/postgres"), List.of())) {
            String url = server.jdbcUrl("postgres");
            Flyway.configure()
                    .dataSource(url, "postgres", "")
                    .locations("filesystem:" + resource(FIXTURE + "/migrations"))
                    .load()
                    .migrate();
            try (Connection owner = DriverManager.getConnection(url, "postgres", "")) {
                assertThat(query(
                                owner,
                                "SELECT string_agg(version, ' ' ORDER BY installed_rank) FROM flyway_schema_history"))
                        .isEqualTo(String.join(" ", Files.readAllLines(fixture.resolve("versions.txt"))));
                CopyManager copy = new CopyManager(owner.unwrap(BaseConnection.class));
                List<Path> tables = new ArrayList<>();
                try (Stream<Path> files = Files.list(fixture)) {
                    files.filter(f -> f.toString().endsWith(".csv")).sorted().forEach(tables::add);
                }
                for (Path table : tables) {
                    String name = table.getFileName().toString().replace(".csv", "");
                    try (Reader rows = Files.newBufferedReader(table)) {
                        copy.copyIn("COPY public." + name + " FROM STDIN WITH (FORMAT csv)", rows);
                    }
                }
                query(
                        owner,
                        "SELECT setval('domain_event_entry_global_index_seq', greatest(1, (SELECT max(global_index) FROM domain_event_entry)))");
                return query(owner, EVENTS_DIGEST.formatted("public.domain_event_entry"));
            }
        }
    }

    private static String resource(String path) throws URISyntaxException {
        return Path.of(LayoutUpgradeIT.class.getResource(path).toURI()).toString();
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
