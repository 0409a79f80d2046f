package io.amphi.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.amphi.gateway.grpc.Calls;
import io.amphi.gateway.grpc.ServiceChannels;
import io.amphi.proto.delivery.v1.FlagQuestionRequest;
import io.amphi.proto.delivery.v1.FlagQuestionResponse;
import io.amphi.proto.delivery.v1.GetExamContentRequest;
import io.amphi.proto.delivery.v1.HoldSessionRequest;
import io.amphi.proto.delivery.v1.InclusionProof;
import io.amphi.proto.delivery.v1.ProveSubmissionRequest;
import io.amphi.proto.delivery.v1.ResumeSessionRequest;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.SaveAnswerResponse;
import io.amphi.proto.delivery.v1.SessionLease;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.StartSessionResponse;
import io.amphi.proto.delivery.v1.SubmitSessionRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A candidate's exam session: start (or a place in the waiting line), content, saves, flags and
 * submission. Every call here may be sent again safely (a save carries its save number), so the
 * gateway itself retries one a service could not take for a moment.
 */
@RestController
@Validated
@RequestMapping(path = "/api/v1", produces = "application/json")
@Tag(name = "Exam session", description = "What a candidate's page calls during an exam")
public class SessionController {

    /** The largest save number: 2^53 - 1, exact in every browser. */
    static final long MAX_SAVE_NUMBER = 9_007_199_254_740_991L;

    private final ServiceChannels services;
    private final Calls calls;
    private final RequestCaller callers;

    public SessionController(ServiceChannels services, Calls calls, RequestCaller callers) {
        this.services = services;
        this.calls = calls;
        this.callers = callers;
    }

    @Schema(description = "A session, or a place in the waiting line (then session is absent).")
    public record StartView(Views.SessionView session, boolean alreadyStarted, QueueView queue) {}

    @Schema(
            description =
                    "A place in the exam's waiting line: start again after about estimatedWaitSeconds; the place is kept.")
    public record QueueView(
            long ticket,

            @Schema(description = "How many are ahead, counting the caller (1: next in).")
            long position,

            long estimatedWaitSeconds,

            @Schema(
                    description = "The exam holds as many sessions as it admits at once: the line moves as "
                            + "sessions end, so estimatedWaitSeconds is the least the wait can be.")
            boolean waitingForRoom) {}

    @Schema(description = "One save of one answer.")
    public record SaveBody(
            @Schema(
                    description =
                            "Numbered by the page, increasing over the whole session, from 1; a resend keeps its number.")
            @NotNull
            @Min(1)
            @Max(MAX_SAVE_NUMBER)
            Long saveNumber,

            @NotNull @Valid Views.AnswerBody answer) {}

    @Schema(description = "A save acknowledged: the page may forget it.")
    public record SaveView(
            long saveNumber,

            @Schema(
                    description =
                            "APPLIED, DUPLICATE (already stored) or SUPERSEDED (a later save of this question is stored).")
            String outcome,

            long remainingMillis) {}

    @Schema(description = "Flag or unflag a question for review.")
    public record FlagBody(@NotNull Boolean flagged) {}

    @Schema(description = "The question's flag after the call.")
    public record FlagView(boolean flagged, boolean changed) {}

    @Schema(
            description =
                    "That a session is in a sealed exam, unchanged: its leaf and the audit path to the exam root.")
    public record ProofView(
            String examId,
            String sessionId,
            long lastSequence,
            String finalHash,
            int leafIndex,
            int treeSize,
            List<String> auditPath,
            String examRoot) {}

    @Operation(
            summary = "Starts the caller's session, or returns it",
            description =
                    "200 with the session (alreadyStarted when it existed: a double click never starts a second one). "
                            + "202 with a queue place and Retry-After while the exam admits others first. 409 NOT_OPEN_YET or CLOSED "
                            + "outside the opening window, SEALED once sealed; 403 NOT_ENROLLED or OTHER_EXAM; 404 UNKNOWN_EXAM.")
    @PostMapping("/exams/{examId}/session")
    public ResponseEntity<StartView> start(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId, HttpServletRequest request) {
        StartSessionResponse started = calls.idempotent(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.startSession(
                        StartSessionRequest.newBuilder().setExamId(examId).build()));
        if (started.hasQueue()) {
            long wait = Math.max(1, started.getQueue().getEstimatedWait().getSeconds());
            QueueView queue = new QueueView(
                    started.getQueue().getTicket(),
                    started.getQueue().getPosition(),
                    wait,
                    started.getQueue().getWaitingForRoom());
            return ResponseEntity.accepted()
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.min(wait, 30)))
                    .body(new StartView(null, false, queue));
        }
        return ResponseEntity.ok(new StartView(Views.session(started.getSession()), started.getAlreadyStarted(), null));
    }

    @Operation(
            summary = "The session now",
            description = "Saved answers with their save numbers, flags, status and the "
                    + "time left computed by the server: what a reloaded page starts from.")
    @GetMapping("/sessions/{sessionId}")
    public Views.SessionView resume(
            @PathVariable @Pattern(regexp = Ids.SESSION) String sessionId, HttpServletRequest request) {
        return Views.session(calls.idempotent(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.resumeSession(ResumeSessionRequest.newBuilder()
                        .setSessionId(sessionId)
                        .build())));
    }

    @Operation(
            summary = "The questions of the session's content version",
            description = "Only once the session has started; never an answer key.")
    @GetMapping("/sessions/{sessionId}/content")
    public Views.ContentView content(
            @PathVariable @Pattern(regexp = Ids.SESSION) String sessionId, HttpServletRequest request) {
        return Views.content(calls.idempotent(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.getExamContent(GetExamContentRequest.newBuilder()
                        .setSessionId(sessionId)
                        .build())));
    }

    @Operation(
            summary = "Saves one answer",
            description =
                    "Idempotent: a resend with the same save number is acknowledged without a change, an older save "
                            + "never overwrites a newer one. 400 INVALID_ANSWER names the question; 409 DEADLINE_PASSED or "
                            + "SUBMITTED once answering has ended; 409 PAUSED while a proctor has the session paused and "
                            + "SESSION_OPEN_ELSEWHERE (with Retry-After) while another page holds it: keep the save and send it again "
                            + "later; 409 CONCURRENT_UPDATE, 429 SAVE_RATE_EXCEEDED or 503 (retryable): send it again.")
    @PutMapping("/sessions/{sessionId}/answers/{questionId}")
    public SaveView save(
            @PathVariable @Pattern(regexp = Ids.SESSION) String sessionId,
            @PathVariable @Pattern(regexp = Ids.PATTERN) String questionId,
            @Valid @RequestBody SaveBody body,
            HttpServletRequest request) {
        SaveAnswerResponse saved = calls.idempotent(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.saveAnswer(SaveAnswerRequest.newBuilder()
                        .setSessionId(sessionId)
                        .setQuestionId(questionId)
                        .setSaveNumber(body.saveNumber())
                        .setAnswer(body.answer().toProto())
                        .setClientId(callers.clientId(request, false))
                        .build()));
        return new SaveView(
                saved.getSaveNumber(),
                saved.getOutcome().name().replace("SAVE_OUTCOME_", ""),
                Views.millis(saved.getRemaining()));
    }

    @Operation(summary = "Flags a question for review, or removes the flag")
    @PutMapping("/sessions/{sessionId}/flags/{questionId}")
    public FlagView flag(
            @PathVariable @Pattern(regexp = Ids.SESSION) String sessionId,
            @PathVariable @Pattern(regexp = Ids.PATTERN) String questionId,
            @Valid @RequestBody FlagBody body,
            HttpServletRequest request) {
        FlagQuestionResponse flagged = calls.idempotent(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.flagQuestion(FlagQuestionRequest.newBuilder()
                        .setSessionId(sessionId)
                        .setQuestionId(questionId)
                        .setFlagged(body.flagged())
                        .setClientId(callers.clientId(request, false))
                        .build()));
        return new FlagView(flagged.getFlagged(), flagged.getChanged());
    }

    @Operation(
            summary = "Submits the session",
            description =
                    "Afterwards nothing in it changes; submitting again returns the same state. The state carries the "
                            + "candidate's signed receipt.")
    @PostMapping("/sessions/{sessionId}/submission")
    public Views.SessionView submit(
            @PathVariable @Pattern(regexp = Ids.SESSION) String sessionId, HttpServletRequest request) {
        return Views.session(calls.idempotent(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.submitSession(SubmitSessionRequest.newBuilder()
                        .setSessionId(sessionId)
                        .setClientId(callers.clientId(request, false))
                        .build())));
    }

    @Schema(description = "The session's lease, held by this page, and the session's clock now.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LeaseView(
            Instant expiresAt,

            @Schema(description = "Renew after about this many milliseconds.")
            long renewAfterMillis,

            @Schema(
                    description =
                            "The highest save number the session acknowledged; above the page's own, another page saved meanwhile.")
            long highestSaveNumber,

            @Schema(description = "ACTIVE or SUBMITTED.") String status,
            long remainingMillis,
            Instant deadline,

            @Schema(description = "When a proctor paused the session; absent while its clock runs.")
            Instant pausedAt) {}

    @Operation(
            summary = "Holds (or renews) the session's lease for this page",
            description =
                    "One live page per session: name the page in the Amphi-Client header (an id it makes once) here "
                            + "and on every save, flag and submission. While a page holds the lease, another page's (or a caller "
                            + "naming none) changes are refused with 409 SESSION_OPEN_ELSEWHERE and Retry-After. Renew every "
                            + "renewAfterMillis; the answer also carries the session's clock, pause and status.")
    @PutMapping("/sessions/{sessionId}/lease")
    public LeaseView hold(@PathVariable @Pattern(regexp = Ids.SESSION) String sessionId, HttpServletRequest request) {
        String client = callers.clientId(request, true);
        SessionLease lease = calls.idempotent(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.holdSession(HoldSessionRequest.newBuilder()
                        .setSessionId(sessionId)
                        .setClientId(client)
                        .build()));
        return new LeaseView(
                Views.instant(lease.getExpiresAt()),
                Views.millis(lease.getRenewAfter()),
                lease.getHighestSaveNumber(),
                lease.getStatus().name().replace("SESSION_STATUS_", ""),
                Views.millis(lease.getRemaining()),
                Views.instant(lease.getDeadline()),
                lease.hasPausedAt() ? Views.instant(lease.getPausedAt()) : null);
    }

    @Operation(
            summary = "Lets go of the session's lease",
            description = "When the page closes, so another may take over at once.")
    @DeleteMapping("/sessions/{sessionId}/lease")
    public ResponseEntity<Void> release(
            @PathVariable @Pattern(regexp = Ids.SESSION) String sessionId, HttpServletRequest request) {
        String client = callers.clientId(request, true);
        calls.idempotent(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.releaseSession(HoldSessionRequest.newBuilder()
                        .setSessionId(sessionId)
                        .setClientId(client)
                        .build()));
        return ResponseEntity.noContent().build();
    }

    @Operation(
            summary = "The proof that a session is in its sealed exam",
            description =
                    "The candidate for their own session, an auditor, or a university for its exams. 409 NOT_SEALED "
                            + "before the exam is sealed.")
    @GetMapping("/sessions/{sessionId}/proof")
    public ProofView proof(@PathVariable @Pattern(regexp = Ids.SESSION) String sessionId, HttpServletRequest request) {
        InclusionProof proof = calls.idempotent(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.proveSubmission(ProveSubmissionRequest.newBuilder()
                        .setSessionId(sessionId)
                        .build()));
        return new ProofView(
                proof.getExamId(),
                proof.getSessionId(),
                proof.getLastSequence(),
                proof.getFinalHash(),
                proof.getLeafIndex(),
                proof.getTreeSize(),
                proof.getAuditPathList(),
                proof.getExamRoot());
    }
}
