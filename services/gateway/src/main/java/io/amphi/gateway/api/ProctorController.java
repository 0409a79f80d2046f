package io.amphi.gateway.api;

import io.amphi.gateway.grpc.Calls;
import io.amphi.gateway.grpc.ServiceChannels;
import io.amphi.proto.auth.v1.ClearSignInFailuresRequest;
import io.amphi.proto.auth.v1.RevokeRequest;
import io.amphi.proto.delivery.v1.ExtendTimeRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What a proctor does during an exam: extra time, a candidate's failed sign-ins cleared, access withdrawn. */
@RestController
@Validated
@RequestMapping(path = "/api/v1", produces = "application/json")
@Tag(name = "Proctoring", description = "A proctor's actions on candidates of their exam")
public class ProctorController {

    private final ServiceChannels services;
    private final Calls calls;
    private final RequestCaller callers;

    public ProctorController(ServiceChannels services, Calls calls, RequestCaller callers) {
        this.services = services;
        this.calls = calls;
        this.callers = callers;
    }

    @Schema(description = "Extra time for one candidate.")
    public record ExtensionBody(
            @Schema(description = "Seconds added to the deadline, 1 to 86,400.") @NotNull @Min(1) @Max(86_400) Long seconds,
            @Schema(description = "Why (an incident, an accommodation); kept in the event log.") @NotBlank @Size(max = 500) String reason) {
    }

    @Schema(description = "Why access is withdrawn; kept in the log.")
    public record RevocationBody(@NotBlank @Size(max = 500) String reason) {
    }

    @Schema(description = "When a revocation took effect.")
    public record RevocationView(Instant revokedAt) {
    }

    @Schema(description = "Whether there were failed sign-ins to forget.")
    public record ClearedView(boolean cleared) {
    }

    @Operation(summary = "Grants a candidate extra time", description = "Proctors only. Not idempotent: each call adds "
            + "its time, so it is never retried by the gateway; read the session to see whether a call whose answer was "
            + "lost took effect.")
    @PostMapping("/sessions/{sessionId}/extensions")
    public Views.SessionView extend(@PathVariable @Pattern(regexp = Ids.SESSION) String sessionId,
                                    @Valid @RequestBody ExtensionBody body, HttpServletRequest request) {
        return Views.session(calls.once(services.delivery(), callers.signedIn(request), delivery -> delivery.extendTime(
                ExtendTimeRequest.newBuilder().setSessionId(sessionId).setReason(body.reason())
                        .setExtension(com.google.protobuf.Duration.newBuilder().setSeconds(body.seconds())).build())));
    }

    @Operation(summary = "Clears a candidate's failed sign-ins", description = "A proctor or a university of the exam; the "
            + "candidate can sign in at once (after a classmate's typos, a reissued code).")
    @PostMapping("/exams/{examId}/candidates/{candidateNumber}/sign-in-failures/clear")
    public ClearedView clearSignInFailures(@PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
                                           @PathVariable @Pattern(regexp = Ids.PATTERN) String candidateNumber,
                                           HttpServletRequest request) {
        return new ClearedView(calls.idempotent(services.auth(), callers.signedIn(request), auth -> auth.clearSignInFailures(
                ClearSignInFailuresRequest.newBuilder().setExamId(examId).setCandidateNumber(candidateNumber).build()))
                .getCleared());
    }

    @Operation(summary = "Withdraws a candidate's access at once", description = "Proctors and universities. Every service "
            + "refuses the candidate's tokens within seconds; the candidate cannot sign in again.")
    @PostMapping("/exams/{examId}/candidates/{candidateNumber}/revocation")
    public RevocationView revoke(@PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
                                 @PathVariable @Pattern(regexp = Ids.PATTERN) String candidateNumber,
                                 @Valid @RequestBody RevocationBody body, HttpServletRequest request) {
        return new RevocationView(Views.instant(calls.idempotent(services.auth(), callers.signedIn(request),
                auth -> auth.revoke(RevokeRequest.newBuilder().setExamId(examId).setSubject(candidateNumber)
                        .setReason(body.reason()).build())).getRevokedAt()));
    }
}
