package io.amphi.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The gateway with no service behind it (their addresses lead nowhere): what it answers on its
 * own, before any call, and what it says when the services cannot be reached.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=amphi-gateway")
class GatewayAloneIT {

    private static final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    RequestMappingHandlerMapping mappings;

    @DynamicPropertySource
    static void nowhere(DynamicPropertyRegistry registry) throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String address = "127.0.0.1:" + closed;
        registry.add("server.port", () -> 0);
        registry.add("amphi.gateway.auth-address", () -> address);
        registry.add("amphi.gateway.delivery-address", () -> address);
        registry.add("amphi.gateway.scoring-address", () -> address);
        registry.add("amphi.gateway.call-timeout", () -> "2s");
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode problem(HttpResponse<String> response, int status, String reason) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.path("reason").asText()).isEqualTo(reason);
        assertThat(problem.path("type").asText()).isEqualTo("urn:amphi:problem:" + reason);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("detail").asText()).isNotBlank();
        return problem;
    }

    private static final String SAVE = "/api/v1/sessions/exam-1:cand-1/answers/q1";
    private static final String[] TOKEN = {"Authorization", "Bearer abc.def.ghi"};

    @Test
    void malformedBodiesAreRefusedNamingTheField() throws Exception {
        assertThat(problem(
                                send(
                                        "PUT",
                                        SAVE,
                                        "application/json",
                                        "{\"saveNumber\":1,\"answer\":{\"likert\":1},\"colour\":1}",
                                        TOKEN),
                                400,
                                "MALFORMED_REQUEST")
                        .path("field")
                        .asText())
                .isEqualTo("colour");
        assertThat(problem(
                                send(
                                        "PUT",
                                        SAVE,
                                        "application/json",
                                        "{\"saveNumber\":\"7\",\"answer\":{\"likert\":1}}",
                                        TOKEN),
                                400,
                                "MALFORMED_REQUEST")
                        .path("field")
                        .asText())
                .isEqualTo("saveNumber");
        assertThat(problem(
                                send(
                                        "PUT",
                                        SAVE,
                                        "application/json",
                                        "{\"saveNumber\":1,\"answer\":{\"choices\":\"A\"}}",
                                        TOKEN),
                                400,
                                "MALFORMED_REQUEST")
                        .path("field")
                        .asText())
                .isEqualTo("answer.choices");
        assertThat(problem(
                                send(
                                        "PUT",
                                        SAVE,
                                        "application/json",
                                        "{\"saveNumber\":1,\"saveNumber\":2,\"answer\":{\"likert\":1}}",
                                        TOKEN),
                                400,
                                "MALFORMED_REQUEST")
                        .path("detail")
                        .asText())
                .contains("appears twice");
        problem(send("PUT", SAVE, "application/json", "{\"saveNumber\":1,", TOKEN), 400, "MALFORMED_REQUEST");
        problem(send("PUT", SAVE, "application/json", null, TOKEN), 400, "MALFORMED_REQUEST");
        problem(send("PUT", SAVE, "text/plain", "hello", TOKEN), 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void invalidValuesAreRefusedWithEveryFieldAtFault() throws Exception {
        JsonNode problem = problem(
                send(
                        "PUT",
                        SAVE,
                        "application/json",
                        "{\"saveNumber\":0,\"answer\":{\"likert\":3,\"text\":\"x\"}}",
                        TOKEN),
                400,
                "INVALID_REQUEST");
        assertThat(problem.path("problems").findValuesAsText("field"))
                .containsExactlyInAnyOrder("saveNumber", "answer.likert", "answer");
        assertThat(problem.path("detail").asText()).contains("exactly one of choices, text, likert or cleared");
        problem(
                send(
                        "PUT",
                        "/api/v1/sessions/exam-1:cand-1/answers/" + "q".repeat(65),
                        "application/json",
                        "{\"saveNumber\":1,\"answer\":{\"likert\":1}}",
                        TOKEN),
                400,
                "INVALID_REQUEST");
        problem(
                send(
                        "PUT",
                        "/api/v1/sessions/no-colon/answers/q1",
                        "application/json",
                        "{\"saveNumber\":1,\"answer\":{\"likert\":1}}",
                        TOKEN),
                400,
                "INVALID_REQUEST");
        problem(
                send(
                        "PUT",
                        SAVE,
                        "application/json",
                        "{\"saveNumber\":9007199254740992,\"answer\":{\"likert\":1}}",
                        TOKEN),
                400,
                "INVALID_REQUEST");
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        String huge = "{\"saveNumber\":1,\"answer\":{\"text\":\"" + "x".repeat(300_000) + "\"}}";
        problem(send("PUT", SAVE, "application/json", huge, TOKEN), 413, "REQUEST_TOO_LARGE");
    }

    @Test
    void noTokenNoCall() throws Exception {
        problem(send("POST", "/api/v1/exams/exam-1/session", null, null), 401, "UNAUTHENTICATED");
        problem(
                send("POST", "/api/v1/exams/exam-1/session", null, null, "Authorization", "Basic Zm9vOmJhcg=="),
                401,
                "UNAUTHENTICATED");
    }

    @Test
    void servicesOutOfReachAre503WithRetryAfter() throws Exception {
        HttpResponse<String> response = send("POST", "/api/v1/exams/exam-1/session", null, null, TOKEN);
        JsonNode problem = problem(response, 503, "SERVICE_UNAVAILABLE");
        assertThat(problem.path("retryable").asBoolean()).isTrue();
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void unknownPathsAndMethodsAreProblemsToo() throws Exception {
        problem(send("GET", "/api/v1/nothing-here", null, null), 404, "NOT_FOUND");
        problem(send("DELETE", "/api/v1/exams/exam-1/session", null, null, TOKEN), 405, "METHOD_NOT_ALLOWED");
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndApiAnswersAreNeverCached() throws Exception {
        HttpResponse<String> response = send("GET", "/api/v1/openapi.json", null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe");
        assertThat(response.headers().map())
                .containsEntry("x-content-type-options", java.util.List.of("nosniff"))
                .containsEntry("x-frame-options", java.util.List.of("DENY"))
                .containsEntry("referrer-policy", java.util.List.of("no-referrer"))
                .containsEntry("cache-control", java.util.List.of("no-store"));
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        HttpResponse<String> preflight = send(
                "OPTIONS",
                "/api/v1/exams/exam-1/session",
                null,
                null,
                "Origin",
                "https://elsewhere.example",
                "Access-Control-Request-Method",
                "POST");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .as("no CORS unless configured")
                .isEmpty();
    }

    @Test
    void theBrowsableDocumentationIsServedWithTheInlineStylesItNeedsOnly() throws Exception {
        HttpResponse<String> ui = send("GET", "/api/v1/swagger-ui/index.html", null, null);
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("style-src 'self' 'unsafe-inline'");
        assertThat(send("GET", "/api/v1/docs", null, null)
                        .headers()
                        .firstValue("Content-Security-Policy")
                        .orElseThrow())
                .contains("'unsafe-inline'");
        assertThat(send("GET", "/api/v1/openapi.json", null, null)
                        .headers()
                        .firstValue("Content-Security-Policy")
                        .orElseThrow())
                .doesNotContain("unsafe");
    }

    @Test
    void servesTheWebAppWithHashedAssetsCachedForAYearAndTheIndexNever() throws Exception {
        HttpResponse<String> index = send("GET", "/", null, null);
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(index.body()).contains("<div id=\"app\">");
        java.util.regex.Matcher script = java.util.regex.Pattern.compile("src=\"(/assets/index-[^\"]+\\.js)\"")
                .matcher(index.body());
        assertThat(script.find()).as(index.body()).isTrue();
        assertThat(index.body())
                .as("no inline script: the CSP allows none")
                .doesNotContainPattern("<script(?![^>]*src=)[^>]*>");
        HttpResponse<String> asset = send("GET", script.group(1), null, null);
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age=31536000", "immutable");
        assertThat(send("GET", "/assets/nothing.js", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void theOpenApiDocumentDescribesEveryEndpointOfTheControllers() throws Exception {
        JsonNode document =
                json.readTree(send("GET", "/api/v1/openapi.json", null, null).body());
        assertThat(document.path("openapi").asText()).startsWith("3.");
        Set<String> documented = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths =
                        document.path("paths").fields();
                paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fields().forEachRemaining(operation -> {
                documented.add(operation.getKey().toUpperCase() + " " + path.getKey());
                assertThat(operation.getValue().path("summary").asText())
                        .as(operation.getKey() + " " + path.getKey())
                        .isNotBlank();
                for (String status : List.of(
                        "400", "401", "403", "404", "405", "409", "413", "415", "429", "500", "502", "503", "504")) {
                    JsonNode refusal = operation.getValue().path("responses").path(status);
                    assertThat(refusal.path("description").asText())
                            .as(status + " of " + path.getKey())
                            .isNotBlank();
                    assertThat(refusal.path("content")
                                    .path("application/problem+json")
                                    .path("schema")
                                    .path("$ref")
                                    .asText())
                            .isEqualTo("#/components/schemas/Problem");
                }
            });
        }
        Set<String> implemented = new HashSet<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping :
                mappings.getHandlerMethods().entrySet()) {
            if (!mapping.getValue().getBeanType().getPackageName().startsWith("io.amphi.gateway")) {
                continue;
            }
            for (String pattern : mapping.getKey().getPatternValues()) {
                mapping.getKey()
                        .getMethodsCondition()
                        .getMethods()
                        .forEach(method -> implemented.add(method.name() + " " + pattern));
            }
        }
        assertThat(implemented).hasSizeGreaterThan(20);
        assertThat(documented).isEqualTo(implemented);
        for (Iterator<Map.Entry<String, JsonNode>> schemas =
                        document.path("components").path("schemas").fields();
                schemas.hasNext(); ) {
            Map.Entry<String, JsonNode> schema = schemas.next();
            if (!schema.getKey().equals("ProblemDetail")) {
                assertThat(schema.getValue().path("description").asText())
                        .as("schema " + schema.getKey())
                        .isNotBlank();
            }
        }
    }
}
