package io.amphi.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.ServiceAccounts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proctor's pause over REST against the real services: one session, one site, the whole exam.
 * While paused nothing is saved and the time stands still; going on moves each deadline by exactly
 * the paused time. The demo enrols cand-001 to cand-003 at site amphi-a, the others at amphi-b.
 */
class ProctoringIT {

    @TempDir
    static Path data;

    private static LocalPlatform platform;
    private static final Map<String, String> tokens = new HashMap<>();
    private static String exam;
    private static String proctor;

    @BeforeAll
    static void start() throws Exception {
        platform =
                LocalPlatform.start(data, new LocalPlatform.Ports(0, 0, 0, 0, 0), "proctoring-it-" + UUID.randomUUID());
        exam = platform.candidates().getFirst().examId();
        ServiceAccounts.Created account = platform.staff().getFirst();
        proctor = call(
                        "POST",
                        "/auth/client",
                        null,
                        Map.of("clientId", account.account().clientId(), "clientSecret", account.secret()))
                .path("accessToken")
                .asText();
        for (CandidateCredentials.Issued candidate : platform.candidates()) {
            String token = call(
                            "POST",
                            "/auth/candidate",
                            null,
                            Map.of(
                                    "examId",
                                    exam,
                                    "candidateNumber",
                                    candidate.candidateNumber(),
                                    "accessCode",
                                    candidate.accessCode()))
                    .path("accessToken")
                    .asText();
            tokens.put(candidate.candidateNumber(), token);
            call("POST", "/exams/" + exam + "/session", token, null);
        }
        // A site's or an exam's running sessions are read from the deadline projection, the live view from its own
        // projection; both follow the log.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (projectedSessions() < platform.candidates().size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(projectedSessions())
                .as("both projections hold every session after 20 s")
                .isEqualTo(platform.candidates().size());
    }

    private static int projectedSessions() throws Exception {
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(platform.deliveryDatabase());
                java.sql.ResultSet rows = connection
                        .createStatement()
                        .executeQuery(
                                "SELECT least((SELECT count(*) FROM session_deadline), (SELECT count(*) FROM live_session))")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    private static JsonNode call(String method, String path, String token, Object body, String... headers)
            throws Exception {
        return new PlatformRest(platform).answer(method, path, token, body, headers);
    }

    private static JsonNode session(String candidate) throws Exception {
        return call("GET", "/sessions/" + exam + ":" + candidate, tokens.get(candidate), null);
    }

    private static JsonNode save(String candidate, long number) throws Exception {
        return call(
                "PUT",
                "/sessions/" + exam + ":" + candidate + "/answers/q5",
                tokens.get(candidate),
                Map.of("saveNumber", number, "answer", Map.of("likert", 1)));
    }

    @Test
    void aPauseOfOneSiteStopsItsSessionsOnlyAndGoingOnMovesEachDeadlineByThePausedTime() throws Exception {
        Instant deadlineBefore =
                Instant.parse(session("cand-004").path("deadline").asText());
        JsonNode paused = call(
                "POST",
                "/exams/" + exam + "/pause",
                proctor,
                Map.of("site", "amphi-b", "reason", "fire alarm, room B"));
        assertThat(paused.path("httpStatus").asInt()).as(paused.toString()).isEqualTo(200);
        assertThat(paused.path("changed").asInt()).isEqualTo(2);
        assertThat(call("POST", "/exams/" + exam + "/pause", proctor, Map.of("site", "amphi-b", "reason", "again"))
                        .path("unchanged")
                        .asInt())
                .as("pausing again changes nothing")
                .isEqualTo(2);

        JsonNode refused = save("cand-004", 1);
        assertThat(refused.path("httpStatus").asInt()).isEqualTo(409);
        assertThat(refused.path("reason").asText()).isEqualTo("PAUSED");
        assertThat(save("cand-001", 1).path("outcome").asText())
                .as("another site is not paused")
                .isEqualTo("APPLIED");

        long remainingAtPause = session("cand-004").path("remainingMillis").asLong();
        assertThat(session("cand-004").path("pausedAt").asText()).isNotEmpty();
        Thread.sleep(1_500);
        assertThat(session("cand-004").path("remainingMillis").asLong())
                .as("the time stands still")
                .isEqualTo(remainingAtPause);

        JsonNode goneOn =
                call("POST", "/exams/" + exam + "/unpause", proctor, Map.of("site", "amphi-b", "reason", "all clear"));
        assertThat(goneOn.path("changed").asInt()).isEqualTo(2);
        JsonNode after = session("cand-004");
        assertThat(after.has("pausedAt")).isFalse();
        Duration moved = Duration.between(
                deadlineBefore, Instant.parse(after.path("deadline").asText()));
        assertThat(moved).isBetween(Duration.ofMillis(1_500), Duration.ofSeconds(10));
        assertThat(after.path("remainingMillis").asLong()).isBetween(remainingAtPause - 2_000, remainingAtPause);
        assertThat(save("cand-004", 1).path("outcome").asText()).isEqualTo("APPLIED");
    }

    @Test
    void aPauseOfOneSessionOrOfTheWholeExam() throws Exception {
        JsonNode one = call(
                "POST",
                "/exams/" + exam + "/pause",
                proctor,
                Map.of("sessionId", exam + ":cand-002", "reason", "unwell"));
        assertThat(one.path("changed").asInt()).isEqualTo(1);
        assertThat(session("cand-003").has("pausedAt")).isFalse();
        JsonNode whole = call(
                "POST", "/exams/" + exam + "/pause", proctor, Map.of("wholeExam", true, "reason", "network incident"));
        assertThat(whole.path("changed").asInt() + whole.path("unchanged").asInt())
                .isEqualTo(5);
        for (String candidate : List.of("cand-001", "cand-003", "cand-005")) {
            assertThat(session(candidate).has("pausedAt")).as(candidate).isTrue();
        }
        JsonNode allGoOn =
                call("POST", "/exams/" + exam + "/unpause", proctor, Map.of("wholeExam", true, "reason", "restored"));
        assertThat(allGoOn.path("changed").asInt()).isEqualTo(5);
        assertThat(session("cand-002").has("pausedAt")).isFalse();
    }

    @Test
    void oneLivePagePerSessionTheOtherIsRefusedUntilTheFirstLetsGo() throws Exception {
        String token = tokens.get("cand-003");
        String lease = "/sessions/" + exam + ":cand-003/lease";
        JsonNode held = call("PUT", lease, token, null, "Amphi-Client", "tab-one");
        assertThat(held.path("httpStatus").asInt()).as(held.toString()).isEqualTo(200);
        assertThat(held.path("renewAfterMillis").asLong()).isEqualTo(10_000);
        assertThat(held.path("remainingMillis").asLong()).isPositive();

        JsonNode other = call("PUT", lease, token, null, "Amphi-Client", "laptop-two");
        assertThat(other.path("httpStatus").asInt()).isEqualTo(409);
        assertThat(other.path("reason").asText()).isEqualTo("SESSION_OPEN_ELSEWHERE");
        assertThat(other.path("retryAfterSeconds").asLong()).isBetween(1L, 31L);
        JsonNode saveFromOther = call(
                "PUT",
                "/sessions/" + exam + ":cand-003/answers/q1",
                token,
                Map.of("saveNumber", 1, "answer", Map.of("choices", List.of("A"))),
                "Amphi-Client",
                "laptop-two");
        assertThat(saveFromOther.path("reason").asText()).isEqualTo("SESSION_OPEN_ELSEWHERE");
        JsonNode saveWithoutClient = call(
                "PUT",
                "/sessions/" + exam + ":cand-003/answers/q1",
                token,
                Map.of("saveNumber", 1, "answer", Map.of("choices", List.of("A"))));
        assertThat(saveWithoutClient.path("reason").asText()).isEqualTo("SESSION_OPEN_ELSEWHERE");
        assertThat(call(
                                "PUT",
                                "/sessions/" + exam + ":cand-003/answers/q1",
                                token,
                                Map.of("saveNumber", 1, "answer", Map.of("choices", List.of("A"))),
                                "Amphi-Client",
                                "tab-one")
                        .path("outcome")
                        .asText())
                .isEqualTo("APPLIED");

        assertThat(call("DELETE", lease, token, null, "Amphi-Client", "tab-one")
                        .path("httpStatus")
                        .asInt())
                .isEqualTo(204);
        assertThat(call("PUT", lease, token, null, "Amphi-Client", "laptop-two")
                        .path("httpStatus")
                        .asInt())
                .as("once the first lets go, another takes over at once")
                .isEqualTo(200);
        call("DELETE", lease, token, null, "Amphi-Client", "laptop-two");
        assertThat(call("PUT", lease, token, null, "Amphi-Client", "bad client!")
                        .path("reason")
                        .asText())
                .isEqualTo("INVALID_CLIENT");
    }

    @Test
    void theLiveViewCountsEachSiteAndFiltersTheCandidates() throws Exception {
        JsonNode view = call("GET", "/exams/" + exam + "/live", proctor, null);
        assertThat(view.path("httpStatus").asInt()).as(view.toString()).isEqualTo(200);
        assertThat(view.path("sites").findValuesAsText("site")).containsExactly("amphi-a", "amphi-b");
        int total = 0;
        for (JsonNode site : view.path("sites")) {
            total += site.path("notStarted").asInt()
                    + site.path("inExam").asInt()
                    + site.path("paused").asInt()
                    + site.path("submitted").asInt();
        }
        assertThat(total).isEqualTo(5);
        assertThat(view.path("candidates").findValuesAsText("candidateId"))
                .containsExactly("cand-001", "cand-002", "cand-003", "cand-004", "cand-005");
        assertThat(view.path("candidates").get(0).path("disconnected").asBoolean())
                .as("a session whose page never held a lease is not connected")
                .isTrue();
        JsonNode countsB = view.path("sites").get(1);
        assertThat(countsB.path("disconnected").asInt())
                .as("no page of site amphi-b ever held a lease: " + countsB)
                .isEqualTo(
                        countsB.path("inExam").asInt() + countsB.path("paused").asInt())
                .isPositive();
        assertThat(view.path("waiting").asLong()).isZero();

        JsonNode saved = call(
                "PUT",
                "/sessions/" + exam + ":cand-002/answers/q2",
                tokens.get("cand-002"),
                Map.of("saveNumber", 7, "answer", Map.of("choices", List.of("A", "C"))));
        assertThat(saved.path("outcome").asText()).as(saved.toString()).isEqualTo("APPLIED");
        JsonNode row = null;
        for (long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                System.nanoTime() < until;
                Thread.sleep(100)) {
            row = call("GET", "/exams/" + exam + "/live?search=cand-002", proctor, null)
                    .path("candidates")
                    .get(0);
            if (row.path("answered").asInt() == 1) {
                break;
            }
        }
        assertThat(row.path("answered").asInt())
                .as("the projection follows the log: " + row)
                .isEqualTo(1);
        assertThat(row.path("lastSaveAt").asText()).isNotEmpty();
        assertThat(row.path("state").asText()).isIn("IN_EXAM", "PAUSED");

        JsonNode siteB = call("GET", "/exams/" + exam + "/live?site=amphi-b&search=005", proctor, null);
        assertThat(siteB.path("candidates").findValuesAsText("candidateId")).containsExactly("cand-005");
        assertThat(siteB.path("matching").asInt()).isEqualTo(1);
        JsonNode page = call("GET", "/exams/" + exam + "/live?pageSize=2", proctor, null);
        assertThat(page.path("candidates").size()).isEqualTo(2);
        assertThat(call(
                                "GET",
                                "/exams/" + exam + "/live?pageSize=2&pageToken="
                                        + page.path("nextPageToken").asText(),
                                proctor,
                                null)
                        .path("candidates")
                        .findValuesAsText("candidateId"))
                .containsExactly("cand-003", "cand-004");
        assertThat(call("GET", "/exams/" + exam + "/live?state=WAITING", proctor, null)
                        .path("httpStatus")
                        .asInt())
                .isEqualTo(400);
        assertThat(call("GET", "/exams/" + exam + "/live", tokens.get("cand-001"), null)
                        .path("httpStatus")
                        .asInt())
                .isEqualTo(403);
    }

    @Test
    void aProctorBoundToASiteSeesAndActsOnItsCandidatesOnly() throws Exception {
        ServiceAccounts.Created roomB = platform.serviceAccounts()
                .create(
                        "proctor-room-b-" + UUID.randomUUID().toString().substring(0, 8),
                        "proctor",
                        java.util.Set.of(),
                        java.util.Set.of(exam),
                        java.util.Set.of("amphi-b"));
        String token = call(
                        "POST",
                        "/auth/client",
                        null,
                        Map.of("clientId", roomB.account().clientId(), "clientSecret", roomB.secret()))
                .path("accessToken")
                .asText();

        JsonNode view = call("GET", "/exams/" + exam + "/live", token, null);
        assertThat(view.path("sites").findValuesAsText("site")).containsExactly("amphi-b");
        assertThat(view.path("candidates").findValuesAsText("candidateId")).containsExactly("cand-004", "cand-005");
        assertThat(view.path("matching").asInt()).isEqualTo(2);
        assertThat(call("GET", "/exams/" + exam + "/live?site=amphi-a", token, null)
                        .path("reason")
                        .asText())
                .isEqualTo("NOT_YOUR_SITE");

        for (Map<String, Object> scope : List.<Map<String, Object>>of(
                Map.of("sessionId", exam + ":cand-001", "reason", "x"),
                Map.of("site", "amphi-a", "reason", "x"),
                Map.of("wholeExam", true, "reason", "x"))) {
            JsonNode refused = call("POST", "/exams/" + exam + "/pause", token, scope);
            assertThat(refused.path("httpStatus").asInt())
                    .as(refused.toString())
                    .isEqualTo(403);
            assertThat(refused.path("reason").asText()).isEqualTo("NOT_YOUR_SITE");
        }
        String deadline = session("cand-002").path("deadline").asText();
        JsonNode extension = call(
                "POST",
                "/sessions/" + exam + ":cand-002/extensions",
                token,
                Map.of("seconds", 60, "reason", "not my room"));
        assertThat(extension.path("reason").asText()).isEqualTo("NOT_YOUR_SITE");
        assertThat(session("cand-002").path("deadline").asText())
                .as("nothing changed")
                .isEqualTo(deadline);
        assertThat(call("GET", "/proctor/sessions/" + exam + ":cand-002/offline-journals", token, null)
                        .path("reason")
                        .asText())
                .isEqualTo("NOT_YOUR_SITE");
        assertThat(call("POST", "/exams/" + exam + "/candidates/cand-004/sign-in-failures/clear", token, null)
                        .path("reason")
                        .asText())
                .as("auth knows no sites: for proctors of every site")
                .isEqualTo("NOT_YOUR_SITE");
        assertThat(call("POST", "/exams/" + exam + "/candidates/cand-001/revocation", token, Map.of("reason", "x"))
                        .path("reason")
                        .asText())
                .isEqualTo("NOT_YOUR_SITE");
        assertThat(call("GET", "/proctor/sessions/" + exam + ":cand-004/offline-journals", token, null)
                        .path("journals")
                        .isArray())
                .as("its own candidates' journals")
                .isTrue();
    }

    @Test
    void onlyAProctorPausesAndAPauseNamesOneScopeAndAReason() throws Exception {
        JsonNode byCandidate = call(
                "POST", "/exams/" + exam + "/pause", tokens.get("cand-001"), Map.of("wholeExam", true, "reason", "x"));
        assertThat(byCandidate.path("httpStatus").asInt()).isEqualTo(403);
        JsonNode twoScopes = call(
                "POST",
                "/exams/" + exam + "/pause",
                proctor,
                Map.of("wholeExam", true, "site", "amphi-a", "reason", "x"));
        assertThat(twoScopes.path("httpStatus").asInt()).isEqualTo(400);
        assertThat(twoScopes.path("problems").findValuesAsText("field")).contains("body");
        JsonNode noReason = call("POST", "/exams/" + exam + "/pause", proctor, Map.of("site", "amphi-a"));
        assertThat(noReason.path("httpStatus").asInt()).isEqualTo(400);
        JsonNode otherExam = call(
                "POST", "/exams/" + exam + "/pause", proctor, Map.of("sessionId", "other:cand-001", "reason", "x"));
        assertThat(otherExam.path("httpStatus").asInt()).isEqualTo(400);
        assertThat(otherExam.path("reason").asText()).isEqualTo("OTHER_EXAM");
    }
}
