package io.amphi.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.ServiceAccounts;
import io.amphi.gateway.GatewayApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The gateway in front of the real services, as `./run-local` starts them: a candidate sits the
 * demo exam over REST, refusals arrive as problem+json with the services' reasons, and what is
 * refused stores nothing.
 */
class GatewayIT {

    @TempDir
    static Path data;

    private static LocalPlatform platform;
    private static final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        platform = LocalPlatform.start(data, new LocalPlatform.Ports(0, 0, 0, 0, 0), "gateway-it-" + UUID.randomUUID());
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    private record Reply(int status, JsonNode body, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private Reply call(
            int port, String method, String path, String token, String contentType, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String type = response.headers().firstValue("Content-Type").orElse("");
        JsonNode parsed = type.contains("json") && !response.body().isEmpty() ? json.readTree(response.body()) : null;
        return new Reply(response.statusCode(), parsed, response);
    }

    private Reply call(String method, String path, String token, Object body) throws Exception {
        return call(
                platform.gatewayPort(),
                method,
                path,
                token,
                body == null ? null : "application/json",
                body == null ? null : json.writeValueAsString(body));
    }

    private static void assertProblem(Reply reply, int status, String reason) {
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(status);
        assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(reply.body().path("reason").asText()).isEqualTo(reason);
        assertThat(reply.body().path("detail").asText()).isNotBlank();
    }

    private Reply signIn(CandidateCredentials.Issued candidate) throws Exception {
        return call(
                "POST",
                "/api/v1/auth/candidate",
                null,
                Map.of(
                        "examId",
                        candidate.examId(),
                        "candidateNumber",
                        candidate.candidateNumber(),
                        "accessCode",
                        candidate.accessCode()));
    }

    private String staffToken(String role) throws Exception {
        ServiceAccounts.Created account = platform.staff().stream()
                .filter(a -> a.account().role().equals(role))
                .findFirst()
                .orElseThrow();
        Reply reply = call(
                "POST",
                "/api/v1/auth/client",
                null,
                Map.of("clientId", account.account().clientId(), "clientSecret", account.secret()));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Set-Cookie"))
                .as("service accounts get no refresh cookie")
                .isNull();
        return reply.body().path("accessToken").asText();
    }

    private static Map<String, Object> save(long number, Map<String, Object> answer) {
        return Map.of("saveNumber", number, "answer", answer);
    }

    @Test
    void aCandidateSitsTheDemoExamOverRest() throws Exception {
        CandidateCredentials.Issued candidate = platform.candidates().get(0);
        Reply signedIn = signIn(candidate);
        assertThat(signedIn.status()).isEqualTo(200);
        String token = signedIn.body().path("accessToken").asText();
        String cookie = signedIn.header("Set-Cookie");
        assertThat(cookie)
                .startsWith("amphi_refresh=")
                .contains("Path=/api/v1/auth/refresh", "HttpOnly", "Secure", "SameSite=Strict", "Max-Age=");
        assertThat(signedIn.body().has("refreshToken"))
                .as("the refresh token never reaches the page's scripts")
                .isFalse();

        Reply started = call("POST", "/api/v1/exams/" + candidate.examId() + "/session", token, null);
        assertThat(started.status()).isEqualTo(200);
        String session = started.body().path("session").path("sessionId").asText();
        assertThat(session).isEqualTo(candidate.examId() + ":" + candidate.candidateNumber());
        assertThat(started.body().path("session").path("remainingMillis").asLong())
                .isPositive();
        assertThat(call("POST", "/api/v1/exams/" + candidate.examId() + "/session", token, null)
                        .body()
                        .path("alreadyStarted")
                        .asBoolean())
                .isTrue();

        JsonNode content = call("GET", "/api/v1/sessions/" + session + "/content", token, null)
                .body();
        assertThat(content.path("questions").findValuesAsText("kind"))
                .contains(
                        "SINGLE_BEST_ANSWER",
                        "MULTIPLE_RESPONSE",
                        "SHORT_TEXT",
                        "KEY_FEATURES_CASE",
                        "SCRIPT_CONCORDANCE");
        assertThat(content.toString()).doesNotContain("correct", "accepted");

        String answers = "/api/v1/sessions/" + session + "/answers/";
        assertThat(call("PUT", answers + "q1", token, save(1, Map.of("choices", List.of("B"))))
                        .body()
                        .path("outcome")
                        .asText())
                .isEqualTo("APPLIED");
        call("PUT", answers + "q2", token, save(2, Map.of("choices", List.of("A", "C"))));
        call("PUT", answers + "q3", token, save(3, Map.of("text", "Amiodarone, « 200 mg »")));
        call("PUT", answers + "case1.q1", token, save(4, Map.of("choices", List.of("A"))));
        call("PUT", answers + "q5", token, save(5, Map.of("likert", -2)));
        call("PUT", answers + "q6", token, save(6, Map.of("likert", 1)));
        Reply cleared = call("PUT", answers + "q6", token, save(7, Map.of("cleared", true)));
        assertThat(cleared.body().path("outcome").asText()).isEqualTo("APPLIED");
        Reply resent = call("PUT", answers + "q3", token, save(3, Map.of("text", "Amiodarone, « 200 mg »")));
        assertThat(resent.body().path("outcome").asText())
                .as("a resend is acknowledged, nothing changes")
                .isEqualTo("DUPLICATE");
        Reply older = call("PUT", answers + "q1", token, save(1, Map.of("choices", List.of("C"))));
        assertThat(older.body().path("outcome").asText()).isEqualTo("DUPLICATE");
        assertThat(call("PUT", "/api/v1/sessions/" + session + "/flags/q2", token, Map.of("flagged", true))
                        .body()
                        .path("changed")
                        .asBoolean())
                .isTrue();

        JsonNode state = call("GET", "/api/v1/sessions/" + session, token, null).body();
        assertThat(state.path("highestSaveNumber").asLong()).isEqualTo(7);
        assertThat(state.path("flaggedQuestionIds").toString()).isEqualTo("[\"q2\"]");
        Map<String, String> stored = new java.util.TreeMap<>();
        state.path("answers")
                .forEach(a -> stored.put(
                        a.path("questionId").asText(), a.path("answer").toString()));
        assertThat(stored)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "q1", "{\"choices\":[\"B\"]}",
                        "q2", "{\"choices\":[\"A\",\"C\"]}",
                        "q3", "{\"text\":\"Amiodarone, « 200 mg »\"}",
                        "case1.q1", "{\"choices\":[\"A\"]}",
                        "q5", "{\"likert\":-2}",
                        "q6", "{\"cleared\":true}"));

        String refreshToken = cookie.substring("amphi_refresh=".length(), cookie.indexOf(';'));
        Reply refreshed = call(
                platform.gatewayPort(),
                "POST",
                "/api/v1/auth/refresh",
                null,
                null,
                null,
                "Cookie",
                "amphi_refresh=" + refreshToken);
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(refreshed.header("Set-Cookie")).startsWith("amphi_refresh=").doesNotContain(refreshToken);
        String newToken = refreshed.body().path("accessToken").asText();
        assertProblem(
                call(
                        platform.gatewayPort(),
                        "POST",
                        "/api/v1/auth/refresh",
                        null,
                        null,
                        null,
                        "Cookie",
                        "amphi_refresh=" + refreshToken),
                401,
                "REFRESH_TOKEN_SPENT");
        String renewed = refreshed.header("Set-Cookie");
        String renewedToken = renewed.substring("amphi_refresh=".length(), renewed.indexOf(';'));
        Reply signedOut = call(
                platform.gatewayPort(),
                "DELETE",
                "/api/v1/auth/refresh",
                null,
                null,
                null,
                "Cookie",
                "amphi_refresh=" + renewedToken);
        assertThat(signedOut.status()).isEqualTo(204);
        assertThat(signedOut.header("Set-Cookie")).startsWith("amphi_refresh=;").contains("Max-Age=0");
        assertProblem(
                call(
                        platform.gatewayPort(),
                        "POST",
                        "/api/v1/auth/refresh",
                        null,
                        null,
                        null,
                        "Cookie",
                        "amphi_refresh=" + renewedToken),
                401,
                "REFRESH_TOKEN_SPENT");

        Reply submitted = call("POST", "/api/v1/sessions/" + session + "/submission", newToken, null);
        assertThat(submitted.status()).isEqualTo(200);
        assertThat(submitted.body().path("status").asText()).isEqualTo("SUBMITTED");
        assertThat(submitted.body().path("receipt").path("signature").asText()).isNotBlank();
        assertThat(call("POST", "/api/v1/sessions/" + session + "/submission", newToken, null)
                        .body()
                        .path("submittedAt"))
                .isEqualTo(submitted.body().path("submittedAt"));
        assertProblem(
                call("PUT", answers + "q1", newToken, save(8, Map.of("choices", List.of("A")))), 409, "SUBMITTED");

        JsonNode keys = call("GET", "/api/v1/receipt-keys", null, null).body();
        assertThat(keys.findValuesAsText("keyId"))
                .contains(submitted.body().path("receipt").path("keyId").asText());
    }

    @Test
    void everyRefusalIsAProblemWithTheServicesReason() throws Exception {
        CandidateCredentials.Issued candidate = platform.candidates().get(1);
        assertProblem(
                call(
                        "POST",
                        "/api/v1/auth/candidate",
                        null,
                        Map.of(
                                "examId",
                                candidate.examId(),
                                "candidateNumber",
                                candidate.candidateNumber(),
                                "accessCode",
                                "WRNG-CODE-XXXX")),
                401,
                "BAD_CREDENTIALS");
        String token = signIn(candidate).body().path("accessToken").asText();
        assertProblem(call("POST", "/api/v1/exams/no-such-exam/session", token, null), 403, "OTHER_EXAM");
        String session = call("POST", "/api/v1/exams/" + candidate.examId() + "/session", token, null)
                .body()
                .path("session")
                .path("sessionId")
                .asText();
        Reply wrongOption = call(
                "PUT", "/api/v1/sessions/" + session + "/answers/q1", token, save(1, Map.of("choices", List.of("Z"))));
        assertProblem(wrongOption, 400, "INVALID_ANSWER");
        assertThat(wrongOption.body().path("questionId").asText()).isEqualTo("q1");
        assertProblem(
                call("PUT", "/api/v1/sessions/" + session + "/answers/nope", token, save(1, Map.of("likert", 0))),
                400,
                "INVALID_ANSWER");
        String other = candidate.examId() + ":" + platform.candidates().get(2).candidateNumber();
        assertProblem(call("GET", "/api/v1/sessions/" + other, token, null), 403, "NOT_YOUR_SESSION");
        assertProblem(
                call(
                        "POST",
                        "/api/v1/sessions/" + session + "/extensions",
                        token,
                        Map.of("seconds", 600, "reason", "incident")),
                403,
                "WRONG_ROLE");
        assertProblem(call("GET", "/api/v1/sessions/" + session, "not.a.token", null), 401, "INVALID_TOKEN");
        assertProblem(call("GET", "/api/v1/sessions/" + session + "/proof", token, null), 409, "NOT_SEALED");

        String proctor = staffToken("proctor");
        String deadlineSeen = call("GET", "/api/v1/sessions/" + session, token, null)
                .body()
                .path("deadline")
                .asText();
        Map<String, Object> grant =
                Map.of("seconds", 600, "reason", "fire alarm at 09:05", "expectedDeadline", deadlineSeen);
        Reply extended = call("POST", "/api/v1/sessions/" + session + "/extensions", proctor, grant);
        assertThat(extended.status()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/sessions/" + session, token, null)
                        .body()
                        .path("deadline")
                        .asText())
                .isEqualTo(extended.body().path("deadline").asText());
        assertProblem(
                call("POST", "/api/v1/sessions/" + session + "/extensions", proctor, grant), 409, "DEADLINE_CHANGED");
        assertThat(call("GET", "/api/v1/sessions/" + session, token, null)
                        .body()
                        .path("deadline")
                        .asText())
                .as("the grant sent again was not added")
                .isEqualTo(extended.body().path("deadline").asText());

        String university = staffToken("university");
        assertProblem(
                call("POST", "/api/v1/exams/" + candidate.examId() + "/seal", university, null), 409, "EXAM_OPEN");
        assertProblem(
                call("POST", "/api/v1/exams/" + candidate.examId() + "/results/publications", university, null),
                409,
                "NO_ANSWER_KEY");
    }

    @Test
    void aMalformedSaveNamesItsFieldAndStoresNothing() throws Exception {
        CandidateCredentials.Issued candidate = platform.candidates().get(3);
        String token = signIn(candidate).body().path("accessToken").asText();
        String session = call("POST", "/api/v1/exams/" + candidate.examId() + "/session", token, null)
                .body()
                .path("session")
                .path("sessionId")
                .asText();
        String q1 = "/api/v1/sessions/" + session + "/answers/q1";
        int port = platform.gatewayPort();
        assertThat(call(
                                port,
                                "PUT",
                                q1,
                                token,
                                "application/json",
                                "{\"saveNumber\":1,\"answer\":{\"choices\":[\"A\"]},\"x\":1}")
                        .body()
                        .path("field")
                        .asText())
                .isEqualTo("x");
        assertThat(call(
                                port,
                                "PUT",
                                q1,
                                token,
                                "application/json",
                                "{\"saveNumber\":true,\"answer\":{\"choices\":[\"A\"]}}")
                        .body()
                        .path("field")
                        .asText())
                .isEqualTo("saveNumber");
        assertProblem(
                call(port, "PUT", q1, token, "application/json", "{\"saveNumber\":1,\"answer\":{}}"),
                400,
                "INVALID_REQUEST");
        assertProblem(call(port, "PUT", q1, token, "application/json", "[1]"), 400, "MALFORMED_REQUEST");
        assertThat(call("GET", "/api/v1/sessions/" + session, token, null)
                        .body()
                        .path("answers")
                        .size())
                .isZero();
    }

    @Test
    void aCsvWithABrokenRowIsRefusedWithItsLineAndNothingIsStored() throws Exception {
        String university = staffToken("university");
        String exam = platform.candidates().getFirst().examId();
        int before = candidatesInAuth();
        Reply refused = call(
                platform.gatewayPort(),
                "POST",
                "/api/v1/exams/" + exam + "/credentials",
                university,
                "text/csv",
                "candidate_number\r\nnew-001\r\nnew 002\r\nnew-003\r\n");
        assertProblem(refused, 400, "INVALID_CSV");
        assertThat(refused.body().path("problems").get(0).path("line").asInt()).isEqualTo(3);
        assertThat(candidatesInAuth()).isEqualTo(before);

        Reply issued = call(
                platform.gatewayPort(),
                "POST",
                "/api/v1/exams/" + exam + "/credentials",
                university,
                "text/csv",
                "candidate_number\r\nnew-001\r\nnew-003\r\n",
                "Accept",
                "text/csv");
        assertThat(issued.status()).as(issued.raw().body()).isEqualTo(200);
        assertThat(issued.raw().body().split("\r\n")).hasSize(3).startsWith("candidate_number,access_code");
        assertThat(issued.raw().body()).containsPattern("new-001,[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}");
        assertThat(candidatesInAuth()).isEqualTo(before + 2);

        String candidateToken =
                signIn(platform.candidates().get(4)).body().path("accessToken").asText();
        assertProblem(
                call(
                        platform.gatewayPort(),
                        "POST",
                        "/api/v1/exams/" + exam + "/credentials",
                        candidateToken,
                        "text/csv",
                        "candidate_number\r\nnew-009\r\n"),
                403,
                "WRONG_ROLE");
    }

    @Test
    void signInPacingIsPerRealClientBehindAGatewayTheServicesTrust() throws Exception {
        CandidateCredentials.Issued candidate = platform.candidates().get(4);
        try (ConfigurableApplicationContext behindBalancer = GatewayApplication.builder()
                .run(
                        "--server.port=0",
                        "--amphi.gateway.trusted-proxies=127.0.0.1",
                        "--amphi.gateway.auth-address=127.0.0.1:" + platform.authPort(),
                        "--amphi.gateway.delivery-address=127.0.0.1:" + platform.deliveryPort(),
                        "--amphi.gateway.scoring-address=127.0.0.1:" + platform.scoringPort())) {
            int port = ((WebServerApplicationContext) behindBalancer)
                    .getWebServer()
                    .getPort();
            String wrong = json.writeValueAsString(Map.of(
                    "examId",
                    candidate.examId(),
                    "candidateNumber",
                    candidate.candidateNumber(),
                    "accessCode",
                    "WRNG-CODE-XXXX"));
            Reply last = null;
            for (int attempt = 0; attempt < 8 && (last == null || last.status() != 429); attempt++) {
                last = call(
                        port,
                        "POST",
                        "/api/v1/auth/candidate",
                        null,
                        "application/json",
                        wrong,
                        "X-Forwarded-For",
                        "198.51.100.7");
            }
            assertThat(last.status())
                    .as("a guesser at one address is held back")
                    .isEqualTo(429);
            assertThat(last.body().path("reason").asText()).isIn("SIGN_IN_LOCKED", "SIGN_IN_BUSY");
            assertThat(last.header("Retry-After")).isNotNull();

            String right = json.writeValueAsString(Map.of(
                    "examId",
                    candidate.examId(),
                    "candidateNumber",
                    candidate.candidateNumber(),
                    "accessCode",
                    candidate.accessCode()));
            Reply candidateElsewhere = call(
                    port,
                    "POST",
                    "/api/v1/auth/candidate",
                    null,
                    "application/json",
                    right,
                    "X-Forwarded-For",
                    "203.0.113.50");
            assertThat(candidateElsewhere.status())
                    .as("the candidate at another address signs in at once")
                    .isEqualTo(200);
        }
    }

    private int candidatesInAuth() throws Exception {
        try (Connection connection = DriverManager.getConnection(platform.authDatabase());
                ResultSet rows = connection.createStatement().executeQuery("SELECT count(*) FROM auth_candidate")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
