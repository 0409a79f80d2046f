package io.amphi.gateway.rest;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * Documents the refusals every endpoint may answer with: one problem+json shape ({@link Problems})
 * under each status the gateway maps the services' errors to, with what each status means here.
 * The reasons themselves are named in each endpoint's description and in the services' contracts.
 */
@Component
public class ProblemResponses implements OpenApiCustomizer {

    static final String SCHEMA = "Problem";
    static final String MEDIA_TYPE = "application/problem+json";

    /** Each status a refusal can have, and what it means from the caller's side. */
    static final Map<String, String> STATUSES = statuses();

    private static Map<String, String> statuses() {
        Map<String, String> statuses = new LinkedHashMap<>();
        statuses.put(
                "400",
                "The request is refused as it is: malformed JSON, an unknown or repeated member or a wrong type "
                        + "(MALFORMED_REQUEST, naming the field), values out of bounds (INVALID_REQUEST, listing every field), or a "
                        + "service's refusal of its content (e.g. INVALID_ANSWER with questionId). Nothing was stored.");
        statuses.put(
                "401",
                "No valid access token (MISSING_TOKEN, TOKEN_EXPIRED: refresh and send again), or bad credentials.");
        statuses.put(
                "403",
                "The token does not allow this (WRONG_ROLE, MISSING_SCOPE, NOT_YOUR_EXAM, NOT_YOUR_SITE, "
                        + "NOT_YOUR_SESSION, OTHER_EXAM).");
        statuses.put("404", "What the path names does not exist (UNKNOWN_EXAM, UNKNOWN_SESSION, ...).");
        statuses.put("405", "The path does not take this method.");
        statuses.put(
                "409",
                "Not now, in this state (SUBMITTED, PAUSED, SEALED, SESSION_OPEN_ELSEWHERE, ...): the detail says "
                        + "what to do; retryable says whether the same request may succeed later, with Retry-After.");
        statuses.put("413", "The body is larger than this endpoint takes (REQUEST_TOO_LARGE).");
        statuses.put(
                "415", "The body is not of a type this endpoint takes (its Content-Type is named in the description).");
        statuses.put(
                "429", "Too fast (e.g. SAVE_RATE_EXCEEDED, sign-in pacing): send again after Retry-After seconds.");
        statuses.put("500", "An unexpected failure; the detail carries an error id to report. Nothing is half-stored.");
        statuses.put("502", "A service answered with something the gateway cannot read (SERVICE_FAILED).");
        statuses.put(
                "503", "A service is unreachable or not ready (SERVICE_UNAVAILABLE): send again after Retry-After.");
        statuses.put(
                "504",
                "A service did not answer in time (SERVICE_TIMEOUT): the call may or may not have taken effect; "
                        + "idempotent calls (saves, with their number) can be sent again.");
        return Map.copyOf(statuses);
    }

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getComponents() == null) {
            openApi.setComponents(new Components());
        }
        openApi.getComponents().addSchemas(SCHEMA, problemSchema());
        openApi.getPaths().values().forEach(path -> path.readOperations().forEach(ProblemResponses::document));
    }

    private static void document(Operation operation) {
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        STATUSES.keySet().stream()
                .sorted()
                .forEach(status -> responses.addApiResponse(
                        status,
                        new ApiResponse()
                                .description(STATUSES.get(status))
                                .content(new Content()
                                        .addMediaType(
                                                MEDIA_TYPE,
                                                new MediaType()
                                                        .schema(new Schema<>()
                                                                .$ref("#/components/schemas/" + SCHEMA))))));
        operation.setResponses(responses);
    }

    private static Schema<?> problemSchema() {
        ObjectSchema problem = new ObjectSchema();
        problem.description("A refusal (RFC 9457 problem details) with the platform's stable reason.");
        problem.addProperty("type", new StringSchema().description("urn:amphi:problem:<reason>."));
        problem.addProperty("title", new StringSchema().description("The HTTP status's phrase."));
        problem.addProperty("status", new IntegerSchema().description("The HTTP status."));
        problem.addProperty(
                "detail",
                new StringSchema()
                        .description("What happened and what to do, in a sentence; bad input "
                                + "is quoted by a short prefix only."));
        problem.addProperty("instance", new StringSchema().description("The path of the request."));
        problem.addProperty(
                "reason",
                new StringSchema()
                        .description(
                                "The stable reason, e.g. SUBMITTED or INVALID_ANSWER: " + "what programs act on."));
        problem.addProperty(
                "retryable", new BooleanSchema().description("Whether the same request may succeed later."));
        problem.addProperty(
                "retryAfterSeconds",
                new IntegerSchema().description("When to send it again; also in the " + "Retry-After header."));
        problem.addProperty("questionId", new StringSchema().description("The question an answer was refused for."));
        problem.addProperty("field", new StringSchema().description("The member or parameter that was malformed."));
        problem.addProperty(
                "problems",
                new ArraySchema()
                        .items(new ObjectSchema()
                                .description("One problem: its field, " + "line or location, and message."))
                        .description("Every problem found (each bad field, each bad CSV row "
                                + "with its line, each problem of an exam file with its location)."));
        problem.required(List.of("type", "title", "status", "detail", "reason"));
        return problem;
    }
}
