package io.amphi.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.ServiceAccounts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;

/** The platform's REST API as the tests call it, through the gateway on loopback. */
public record PlatformRest(LocalPlatform platform) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The answer of a call that must succeed. */
    public JsonNode call(String method, String path, String token, Object body) throws Exception {
        HttpResponse<String> response = send(
                method,
                path,
                token,
                body == null ? null : "application/json",
                body == null ? null : JSON.writeValueAsString(body));
        assertThat(response.statusCode())
                .as(method + " " + path + ": " + response.body())
                .isBetween(200, 299);
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    public HttpResponse<String> send(
            String method, String path, String token, String type, String body, String... headers) throws Exception {
        return HTTP.send(request(method, path, token, type, body, headers), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Any answer, refusals included, as JSON: the body's members (a JSON object's), {@code httpStatus}
     * and the body as {@code text}.
     */
    public ObjectNode answer(String method, String path, String token, String type, String body, String... headers)
            throws Exception {
        HttpResponse<String> response = send(method, path, token, type, body, headers);
        ObjectNode answer =
                response.body().startsWith("{") ? (ObjectNode) JSON.readTree(response.body()) : JSON.createObjectNode();
        answer.put("httpStatus", response.statusCode());
        answer.put("text", response.body());
        return answer;
    }

    /** The same, for a JSON body (or none). */
    public ObjectNode answer(String method, String path, String token, Object body, String... headers)
            throws Exception {
        return answer(
                method,
                path,
                token,
                body == null ? null : "application/json",
                body == null ? null : JSON.writeValueAsString(body),
                headers);
    }

    private HttpRequest request(String method, String path, String token, String type, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + platform.gatewayPort() + "/api/v1" + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (type != null) {
            request.header("Content-Type", type);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return request.build();
    }

    public String proctorToken() throws Exception {
        ServiceAccounts.Created account = platform.staff().getFirst();
        return call(
                        "POST",
                        "/auth/client",
                        null,
                        Map.of("clientId", account.account().clientId(), "clientSecret", account.secret()))
                .path("accessToken")
                .asText();
    }

    public String candidateToken(CandidateCredentials.Issued candidate) throws Exception {
        return call(
                        "POST",
                        "/auth/candidate",
                        null,
                        Map.of(
                                "examId",
                                candidate.examId(),
                                "candidateNumber",
                                candidate.candidateNumber(),
                                "accessCode",
                                candidate.accessCode()))
                .path("accessToken")
                .asText();
    }

    /** A submitted session's answers as the platform stores them, by question, each as its JSON. */
    public Map<String, String> storedAnswers(CandidateCredentials.Issued candidate) throws Exception {
        JsonNode session = call(
                "GET",
                "/sessions/" + candidate.examId() + ":" + candidate.candidateNumber(),
                candidateToken(candidate),
                null);
        assertThat(session.path("status").asText()).isEqualTo("SUBMITTED");
        Map<String, String> stored = new TreeMap<>();
        session.path("answers")
                .forEach(a -> stored.put(
                        a.path("questionId").asText(), a.path("answer").toString()));
        return stored;
    }
}
