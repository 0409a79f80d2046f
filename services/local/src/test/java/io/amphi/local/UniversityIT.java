package io.amphi.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.amphi.auth.store.ServiceAccounts;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A university puts an exam on the platform over REST alone: publishes a content version from its
 * file, schedules it, enrols candidates from a CSV with their extra time and site and gets their
 * codes; a file or a CSV with problems is refused whole, each problem located, nothing stored.
 */
class UniversityIT {

    @TempDir
    static Path data;

    private static LocalPlatform platform;
    private static final ObjectMapper json = new ObjectMapper();
    private static String exam;
    private static String university;

    @BeforeAll
    static void start() throws Exception {
        platform =
                LocalPlatform.start(data, new LocalPlatform.Ports(0, 0, 0, 0, 0), "university-it-" + UUID.randomUUID());
        exam = platform.candidates().getFirst().examId();
        ServiceAccounts.Created account = platform.staff().get(1);
        university = send(
                        "POST",
                        "/auth/client",
                        null,
                        "application/json",
                        json.writeValueAsString(
                                Map.of("clientId", account.account().clientId(), "clientSecret", account.secret())))
                .path("accessToken")
                .asText();
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    private static JsonNode send(String method, String path, String token, String type, String body, String... headers)
            throws Exception {
        return new PlatformRest(platform).answer(method, path, token, type, body, headers);
    }

    private static ObjectNode demoFile() throws Exception {
        try (InputStream in = UniversityIT.class.getResourceAsStream("/exams/demo-cardiology.json")) {
            return (ObjectNode) json.readTree(in);
        }
    }

    private static int count(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(platform.deliveryDatabase());
                ResultSet rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @Test
    void aUniversityPublishesSchedulesAndEnrolsAndACandidateSitsTheNewVersion() throws Exception {
        ObjectNode file = demoFile();
        file.put("version", 2);
        file.put("title", "Demo exam, second version");
        JsonNode published =
                send("POST", "/exam-files", university, "application/vnd.amphi.exam+json", file.toString());
        assertThat(published.path("httpStatus").asInt())
                .as(published.toString())
                .isEqualTo(200);
        assertThat(published.path("version").asInt()).isEqualTo(2);
        assertThat(published.path("contentSha256").asText()).hasSize(64);
        assertThat(send("POST", "/exam-files", university, "application/vnd.amphi.exam+json", file.toString())
                        .path("httpStatus")
                        .asInt())
                .as("the same file again changes nothing")
                .isEqualTo(200);
        file.put("title", "Changed after publishing");
        JsonNode changed = send("POST", "/exam-files", university, "application/vnd.amphi.exam+json", file.toString());
        assertThat(changed.path("reason").asText()).isEqualTo("VERSION_ALREADY_PUBLISHED");

        Instant opens = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Instant closes = opens.plus(6, ChronoUnit.HOURS);
        JsonNode scheduled = send(
                "PUT",
                "/exams/" + exam + "/schedule",
                university,
                "application/json",
                json.writeValueAsString(Map.of("opensAt", opens.toString(), "closesAt", closes.toString())));
        assertThat(scheduled.path("httpStatus").asInt())
                .as(scheduled.toString())
                .isEqualTo(200);
        assertThat(scheduled.path("closesAt").asText()).isEqualTo(closes.toString());
        assertThat(send(
                                "PUT",
                                "/exams/" + exam + "/schedule",
                                university,
                                "application/json",
                                json.writeValueAsString(
                                        Map.of("opensAt", closes.toString(), "closesAt", opens.toString())))
                        .path("reason")
                        .asText())
                .isEqualTo("INVALID_WINDOW");

        JsonNode enrolled = send(
                "POST",
                "/exams/" + exam + "/enrolments",
                university,
                "text/csv",
                "candidate_number,extra_time_minutes,site\r\nnew-101,30,hall-c\r\nnew-102,,hall-c\r\n");
        assertThat(enrolled.path("httpStatus").asInt()).as(enrolled.toString()).isEqualTo(200);
        assertThat(enrolled.path("enrolled").asInt()).isEqualTo(2);
        String code = enrolled.path("credentials").get(0).path("accessCode").asText();

        JsonNode sitesOnly = send(
                "POST",
                "/exams/" + exam + "/enrolments?issueCodes=false",
                university,
                "text/csv",
                "candidate_number,extra_time_minutes,site\r\nnew-101,30,hall-d\r\n");
        assertThat(sitesOnly.path("credentials").isEmpty()).isTrue();
        assertThat(count("SELECT count(*) FROM exam_enrolment WHERE site = 'hall-d'"))
                .isEqualTo(1);

        String token = send(
                        "POST",
                        "/auth/candidate",
                        null,
                        "application/json",
                        json.writeValueAsString(
                                Map.of("examId", exam, "candidateNumber", "new-101", "accessCode", code)))
                .path("accessToken")
                .asText();
        assertThat(token)
                .as("a change of site without new codes keeps the code handed out")
                .isNotEmpty();
        JsonNode session =
                send("POST", "/exams/" + exam + "/session", token, null, null).path("session");
        assertThat(session.path("contentVersion").asInt())
                .as("a new session starts on the latest version")
                .isEqualTo(2);
        long remaining = session.path("remainingMillis").asLong();
        assertThat(remaining).as("2 h plus 30 min of extra time").isBetween(9_000_000L - 60_000, 9_000_000L);
        assertThat(count("SELECT count(*) FROM exam_enrolment WHERE site = 'hall-c'"))
                .isEqualTo(1);
    }

    @Test
    void anExamFileWithProblemsIsRefusedWithEachProblemLocatedAndNothingStored() throws Exception {
        int before = count("SELECT count(*) FROM exam_content");
        ObjectNode file = demoFile();
        file.put("version", 7);
        file.remove("title");
        ((ObjectNode) file.path("questions").get(1)).put("id", "q1");
        JsonNode refused = send("POST", "/exam-files", university, "application/vnd.amphi.exam+json", file.toString());
        assertThat(refused.path("httpStatus").asInt()).isEqualTo(400);
        assertThat(refused.path("reason").asText()).isEqualTo("INVALID_EXAM_FILE");
        assertThat(refused.path("detail").asText()).contains("title");
        assertThat(send("POST", "/exam-files", university, "application/vnd.amphi.exam+json", "{not json")
                        .path("detail")
                        .asText())
                .contains("line 1");
        ObjectNode otherExam = demoFile();
        otherExam.put("examId", "someone-elses-exam");
        assertThat(send("POST", "/exam-files", university, "application/vnd.amphi.exam+json", otherExam.toString())
                        .path("httpStatus")
                        .asInt())
                .as("a university publishes its own exams only")
                .isEqualTo(403);
        assertThat(count("SELECT count(*) FROM exam_content")).isEqualTo(before);
    }

    @Test
    void anEnrolmentCsvWithABadRowIsRefusedWholeWithEveryBadLine() throws Exception {
        int before = count("SELECT count(*) FROM exam_enrolment");
        JsonNode refused = send(
                "POST",
                "/exams/" + exam + "/enrolments",
                university,
                "text/csv",
                "candidate_number,extra_time_minutes,site\r\nok-1,0,a\r\nok-2,2000,a\r\nbad id,,a\r\nok-3,,bad site!\r\n");
        assertThat(refused.path("httpStatus").asInt()).isEqualTo(400);
        assertThat(refused.path("reason").asText()).isEqualTo("INVALID_CSV");
        assertThat(refused.path("problems").findValuesAsText("line")).containsExactly("3", "4", "5");
        assertThat(refused.path("problems").findValuesAsText("column"))
                .containsExactly("extra_time_minutes", "candidate_number", "site");
        assertThat(count("SELECT count(*) FROM exam_enrolment")).isEqualTo(before);
        String proctor = send(
                        "POST",
                        "/auth/client",
                        null,
                        "application/json",
                        json.writeValueAsString(Map.of(
                                "clientId",
                                platform.staff().getFirst().account().clientId(),
                                "clientSecret",
                                platform.staff().getFirst().secret())))
                .path("accessToken")
                .asText();
        assertThat(send("POST", "/exams/" + exam + "/enrolments", proctor, "text/csv", "candidate_number\r\nx-1\r\n")
                        .path("httpStatus")
                        .asInt())
                .isEqualTo(403);
        assertThat(count("SELECT count(*) FROM exam_enrolment")).isEqualTo(before);
    }
}
