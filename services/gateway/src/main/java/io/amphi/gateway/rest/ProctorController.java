package io.amphi.gateway.rest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.google.protobuf.ByteString;
import io.amphi.gateway.grpc.Calls;
import io.amphi.gateway.grpc.ServiceChannels;
import io.amphi.proto.auth.v1.ClearSignInFailuresRequest;
import io.amphi.proto.auth.v1.RevokeRequest;
import io.amphi.proto.delivery.v1.CandidateState;
import io.amphi.proto.delivery.v1.DecideOfflineJournalRequest;
import io.amphi.proto.delivery.v1.ExtendTimeRequest;
import io.amphi.proto.delivery.v1.GetLiveViewRequest;
import io.amphi.proto.delivery.v1.ListOfflineJournalsRequest;
import io.amphi.proto.delivery.v1.LiveView;
import io.amphi.proto.delivery.v1.OfflineJournal;
import io.amphi.proto.delivery.v1.PauseSessionsRequest;
import io.amphi.proto.delivery.v1.PauseSessionsResponse;
import io.amphi.proto.delivery.v1.UploadOfflineJournalRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What a proctor does during an exam: pauses, extra time, a candidate's failed sign-ins cleared, access withdrawn. */
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
            @Schema(description = "Seconds added to the deadline, 1 to 86,400.") @NotNull @Min(1) @Max(86_400)
            Long seconds,

            @Schema(description = "Why (an incident, an accommodation); kept in the event log.")
            @NotBlank
            @Size(max = 500)
            String reason,

            @Schema(
                    description = "The candidate's deadline as the proctor saw it (the live view's deadline). When "
                            + "given, the time is added only if the deadline is still that one, else 409 DEADLINE_CHANGED: a "
                            + "grant sent again after a lost answer, or a second proctor's grant for the same incident, is "
                            + "not added twice.")
            Instant expectedDeadline) {}

    @Schema(
            description =
                    "Which running sessions of the exam to pause or let go on, and why: exactly one of sessionId, site or wholeExam (true).")
    public record PauseBody(
            @Schema(description = "One session, \"<exam id>:<candidate id>\".") @Pattern(regexp = Ids.SESSION)
            String sessionId,

            @Schema(description = "Every running session of the candidates enrolled at this site.")
            @Pattern(regexp = Ids.PATTERN)
            String site,

            @Schema(description = "Every running session of the exam.")
            Boolean wholeExam,

            @Schema(description = "Why (the incident, its end); kept in each session's log.") @NotBlank @Size(max = 500)
            String reason) {

        @AssertTrue(message = "a pause names exactly one of sessionId, site or wholeExam (true)")
        @Schema(hidden = true)
        @JsonIgnore
        public boolean isExactlyOneScope() {
            int set = (sessionId != null ? 1 : 0) + (site != null ? 1 : 0) + (Boolean.TRUE.equals(wholeExam) ? 1 : 0);
            return set == 1 && !Boolean.FALSE.equals(wholeExam);
        }

        PauseSessionsRequest toProto(String examId) {
            PauseSessionsRequest.Builder request =
                    PauseSessionsRequest.newBuilder().setExamId(examId).setReason(reason);
            if (sessionId != null) {
                request.setSessionId(sessionId);
            } else if (site != null) {
                request.setSite(site);
            } else {
                request.setWholeExam(true);
            }
            return request.build();
        }
    }

    @Schema(description = "What a pause or its end did.")
    public record PauseView(
            @Schema(description = "Sessions paused (or going on again) by this call.")
            int changed,

            @Schema(description = "Sessions already in that state.")
            int unchanged,

            @Schema(description = "Sessions that had ended.")
            int ended,

            @Schema(description = "Sessions the call could not reach; send it again.")
            int failed,

            Instant at) {}

    @Schema(description = "A proctor's view of the exam now: counts per site, and a page of candidates.")
    public record LiveViewView(
            List<SiteCountsView> sites,
            List<LiveCandidateView> candidates,

            @Schema(description = "How many candidates match the filter in all.")
            int matching,

            @Schema(description = "Pass as pageToken for the next page; absent at the end.")
            String nextPageToken,

            @Schema(
                    description =
                            "How many wait in the exam's line now, all sites together; 0 for a proctor bound to sites (the line knows no sites).")
            long waiting,

            Instant at) {}

    @Schema(
            description =
                    "The candidates of one site by state; site is absent for candidates enrolled without one. Those "
                            + "waiting in the exam's line count as not started (the line knows no sites).")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SiteCountsView(
            String site,
            int notStarted,
            int inExam,
            int paused,
            int submitted,

            @Schema(description = "Running sessions whose page has not been heard of for more than a minute.")
            int disconnected) {}

    @Schema(description = "One candidate as a proctor sees them; times are absent when they do not apply.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LiveCandidateView(
            String candidateId,
            String site,

            @Schema(description = "NOT_STARTED, WAITING (in the exam's line), IN_EXAM, PAUSED or SUBMITTED.")
            String state,

            @Schema(description = "Questions with an answer.")
            int answered,

            Instant startedAt,
            Instant deadline,
            Instant lastSaveAt,
            Instant pausedAt,
            Instant submittedAt,

            @Schema(description = "When their page last renewed its lease.")
            Instant lastSeenAt,

            @Schema(description = "Their session runs and their page has not been heard of for more than a minute.")
            boolean disconnected,

            @Schema(description = "Uploaded offline journals of theirs waiting for a proctor's decision.")
            int undecidedJournals,

            @Schema(description = "Their place in the exam's line (1: next in) while WAITING; absent otherwise.")
            Long placeInLine) {}

    @Schema(description = "An uploaded offline journal and where it stands.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OfflineJournalView(
            String sessionId,

            @Schema(description = "The SHA-256 (hex) of the file: the same file is the same upload.")
            String uploadId,

            @Schema(description = "Its entries, by save number.")
            List<OfflineEntryView> entries,

            @Schema(description = "UNDECIDED, ACCEPTED or REJECTED.")
            String decision,

            String uploadedBy,
            Instant uploadedAt,
            String decidedBy,
            Instant decidedAt,

            @Schema(description = "The session's deadline, to weigh the page's times against.")
            Instant deadline,

            @Schema(description = "False when the call changed nothing (the same file again, a decision repeated).")
            boolean changed) {}

    @Schema(description = "A session's uploaded offline journals, oldest first.")
    public record OfflineJournalsView(List<OfflineJournalView> journals) {}

    @Schema(description = "One answer of an offline journal.")
    public record OfflineEntryView(
            String questionId,
            long saveNumber,
            Views.AnswerBody answer,

            @Schema(description = "When the candidate gave it, by their page's clock.")
            Instant recordedAt,

            @Schema(
                    description = "It counts (accepted) or would count if accepted now: false when the "
                            + "server already has it or a later answer to its question, and in a rejected journal.")
            boolean counts,

            @Schema(
                    description = "The page's clock put it after the deadline, when the page takes no "
                            + "more answers: a wrong clock, or not the page.")
            boolean afterDeadline) {}

    @Schema(description = "A proctor's decision about an uploaded journal; kept in the log.")
    public record JournalDecisionBody(
            @Schema(description = "true: its answers count; false: none of them does.") @NotNull
            Boolean accept,

            @Schema(description = "Why (what was witnessed).") @NotBlank @Size(max = 500)
            String reason) {}

    @Schema(description = "Why access is withdrawn; kept in the log.")
    public record RevocationBody(@NotBlank @Size(max = 500) String reason) {}

    @Schema(description = "When a revocation took effect.")
    public record RevocationView(Instant revokedAt) {}

    @Schema(description = "Whether there were failed sign-ins to forget.")
    public record ClearedView(boolean cleared) {}

    @Operation(
            summary = "Grants a candidate extra time",
            description = "Proctors only. Each call adds its time, so it is never retried by the gateway; send "
                    + "expectedDeadline so that a call made again after a lost answer cannot add the time twice (409 "
                    + "DEADLINE_CHANGED if it was added).")
    @PostMapping("/sessions/{sessionId}/extensions")
    public Views.SessionView extend(
            @PathVariable @Pattern(regexp = Ids.SESSION) String sessionId,
            @Valid @RequestBody ExtensionBody body,
            HttpServletRequest request) {
        return Views.session(calls.once(services.delivery(), callers.signedIn(request), delivery -> {
            ExtendTimeRequest.Builder extension = ExtendTimeRequest.newBuilder()
                    .setSessionId(sessionId)
                    .setReason(body.reason())
                    .setExtension(com.google.protobuf.Duration.newBuilder().setSeconds(body.seconds()));
            if (body.expectedDeadline() != null) {
                extension.setExpectedDeadline(Views.timestamp(body.expectedDeadline()));
            }
            return delivery.extendTime(extension.build());
        }));
    }

    @Operation(
            summary = "The live view of an exam",
            description =
                    "Proctors of the exam. Counts per site and state, and a page of candidates by number, filtered by "
                            + "site, state (NOT_STARTED, IN_EXAM, PAUSED, SUBMITTED) or a piece of the candidate number. A change "
                            + "shows within about a second; the console asks again every few seconds.")
    @GetMapping("/exams/{examId}/live")
    public LiveViewView live(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
            @RequestParam(required = false) @Pattern(regexp = Ids.PATTERN) String site,
            @RequestParam(required = false) @Pattern(regexp = "NOT_STARTED|IN_EXAM|PAUSED|SUBMITTED") String state,
            @RequestParam(required = false) @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]*") String search,
            @RequestParam(defaultValue = "100") @Min(1) @Max(500) int pageSize,
            @RequestParam(defaultValue = "") @Pattern(regexp = "[0-9]{0,9}") String pageToken,
            HttpServletRequest request) {
        GetLiveViewRequest.Builder ask = GetLiveViewRequest.newBuilder()
                .setExamId(examId)
                .setPageSize(pageSize)
                .setPageToken(pageToken);
        if (site != null) {
            ask.setSite(site);
        }
        if (state != null) {
            ask.setState(CandidateState.valueOf("CANDIDATE_STATE_" + state));
        }
        if (search != null) {
            ask.setSearch(search);
        }
        LiveView view = calls.idempotent(
                services.delivery(), callers.signedIn(request), delivery -> delivery.getLiveView(ask.build()));
        return new LiveViewView(
                view.getSitesList().stream()
                        .map(s -> new SiteCountsView(
                                s.getSite().isEmpty() ? null : s.getSite(),
                                s.getNotStarted(),
                                s.getInExam(),
                                s.getPaused(),
                                s.getSubmitted(),
                                s.getDisconnected()))
                        .toList(),
                view.getCandidatesList().stream()
                        .map(c -> new LiveCandidateView(
                                c.getCandidateId(),
                                c.getSite().isEmpty() ? null : c.getSite(),
                                c.getState().name().replace("CANDIDATE_STATE_", ""),
                                c.getAnswered(),
                                c.hasStartedAt() ? Views.instant(c.getStartedAt()) : null,
                                c.hasDeadline() ? Views.instant(c.getDeadline()) : null,
                                c.hasLastSaveAt() ? Views.instant(c.getLastSaveAt()) : null,
                                c.hasPausedAt() ? Views.instant(c.getPausedAt()) : null,
                                c.hasSubmittedAt() ? Views.instant(c.getSubmittedAt()) : null,
                                c.hasLastSeenAt() ? Views.instant(c.getLastSeenAt()) : null,
                                c.getDisconnected(),
                                c.getUndecidedJournals(),
                                c.getPlaceInLine() > 0 ? c.getPlaceInLine() : null))
                        .toList(),
                view.getMatching(),
                view.getNextPageToken().isEmpty() ? null : view.getNextPageToken(),
                view.getWaiting(),
                Views.instant(view.getAt()));
    }

    @Operation(
            summary = "Pauses running sessions after an incident",
            description =
                    "Proctors of the exam. One session, every session of a site, or the whole exam: each session's time "
                            + "stands still and it takes no answer until it goes on; recorded per session with the proctor and the "
                            + "reason. Sessions already paused are left as they are, so a resend is harmless; 409 NOT_STARTED for one "
                            + "session that has not started. Runs under the bulk deadline and is sent once.")
    @PostMapping("/exams/{examId}/pause")
    public PauseView pause(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
            @Valid @RequestBody PauseBody body,
            HttpServletRequest request) {
        return pauseView(calls.onceBulk(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.pauseSessions(body.toProto(examId))));
    }

    @Operation(
            summary = "Lets paused sessions go on",
            description = "The same scopes. Each session's deadline moves by exactly the time it was paused.")
    @PostMapping("/exams/{examId}/unpause")
    public PauseView unpause(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
            @Valid @RequestBody PauseBody body,
            HttpServletRequest request) {
        return pauseView(calls.onceBulk(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.unpauseSessions(body.toProto(examId))));
    }

    private static PauseView pauseView(PauseSessionsResponse outcome) {
        return new PauseView(
                outcome.getChanged(),
                outcome.getUnchanged(),
                outcome.getEnded(),
                outcome.getFailed(),
                Views.instant(outcome.getAt()));
    }

    /** The media type of the file a candidate's page downloads when the time ran out offline. */
    static final String OFFLINE_JOURNAL = "application/vnd.amphi.offline-journal+json";

    @Operation(
            summary = "Uploads a candidate's offline journal",
            description =
                    "Proctors of the exam, once the candidate's session has ended. Body: the file the candidate's page "
                            + "offered when the time ran out offline, as " + OFFLINE_JOURNAL
                            + ", at most 4 MiB. It is decrypted and "
                            + "every entry's MAC checked with the session's key; none of its answers counts until a proctor accepts it. "
                            + "The same file again is the same upload. 400 JOURNAL_UNREADABLE or JOURNAL_TAMPERED (the entry named); "
                            + "409 SESSION_RUNNING or SEALED.")
    @PostMapping(
            path = "/proctor/sessions/{sessionId}/offline-journals",
            consumes = OFFLINE_JOURNAL,
            produces = "application/json")
    public OfflineJournalView uploadJournal(
            @PathVariable @Pattern(regexp = Ids.SESSION) String sessionId,
            @RequestBody byte[] file,
            HttpServletRequest request) {
        Uploads.requireFits(file, "A journal file");
        return journalView(calls.idempotent(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.uploadOfflineJournal(UploadOfflineJournalRequest.newBuilder()
                        .setSessionId(sessionId)
                        .setJournalFile(ByteString.copyFrom(file))
                        .build())));
    }

    @Operation(
            summary = "A session's uploaded offline journals",
            description =
                    "Proctors of the exam (and of the candidate's site): every upload, oldest first, with its entries "
                            + "and where it stands, to decide without the file at hand.")
    @GetMapping("/proctor/sessions/{sessionId}/offline-journals")
    public OfflineJournalsView journals(
            @PathVariable @Pattern(regexp = Ids.SESSION) String sessionId, HttpServletRequest request) {
        return new OfflineJournalsView(calls
                .idempotent(
                        services.delivery(),
                        callers.signedIn(request),
                        delivery -> delivery.listOfflineJournals(ListOfflineJournalsRequest.newBuilder()
                                .setSessionId(sessionId)
                                .build()))
                .getJournalsList()
                .stream()
                .map(ProctorController::journalView)
                .toList());
    }

    @Operation(
            summary = "Accepts or rejects an uploaded offline journal",
            description =
                    "Proctors of the exam, with a reason kept in the log. Accepted, its answers numbered above their "
                            + "question's stored answer count like saves; rejected, none does. A decision is final: the same one again "
                            + "changes nothing, the other is 409 ALREADY_DECIDED. The exam cannot be sealed while a journal is undecided.")
    @PostMapping("/proctor/sessions/{sessionId}/offline-journals/{uploadId}/decision")
    public OfflineJournalView decideJournal(
            @PathVariable @Pattern(regexp = Ids.SESSION) String sessionId,
            @PathVariable @Pattern(regexp = "[0-9a-f]{64}") String uploadId,
            @Valid @RequestBody JournalDecisionBody body,
            HttpServletRequest request) {
        return journalView(calls.idempotent(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.decideOfflineJournal(DecideOfflineJournalRequest.newBuilder()
                        .setSessionId(sessionId)
                        .setUploadId(uploadId)
                        .setAccept(body.accept())
                        .setReason(body.reason())
                        .build())));
    }

    private static OfflineJournalView journalView(OfflineJournal journal) {
        return new OfflineJournalView(
                journal.getSessionId(),
                journal.getUploadId(),
                journal.getEntriesList().stream()
                        .map(e -> new OfflineEntryView(
                                e.getQuestionId(),
                                e.getSaveNumber(),
                                Views.AnswerBody.of(e.getAnswer()),
                                Views.instant(e.getRecordedAt()),
                                e.getCounts(),
                                e.getAfterDeadline()))
                        .toList(),
                journal.getDecision().name().replace("JOURNAL_DECISION_", ""),
                journal.getUploadedBy(),
                Views.instant(journal.getUploadedAt()),
                journal.getDecidedBy().isEmpty() ? null : journal.getDecidedBy(),
                journal.hasDecidedAt() ? Views.instant(journal.getDecidedAt()) : null,
                Views.instant(journal.getDeadline()),
                journal.getChanged());
    }

    @Operation(
            summary = "Clears a candidate's failed sign-ins",
            description = "A proctor or a university of the exam; the "
                    + "candidate can sign in at once (after a classmate's typos, a reissued code).")
    @PostMapping("/exams/{examId}/candidates/{candidateNumber}/sign-in-failures/clear")
    public ClearedView clearSignInFailures(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
            @PathVariable @Pattern(regexp = Ids.PATTERN) String candidateNumber,
            HttpServletRequest request) {
        return new ClearedView(calls.idempotent(
                        services.auth(),
                        callers.signedIn(request),
                        auth -> auth.clearSignInFailures(ClearSignInFailuresRequest.newBuilder()
                                .setExamId(examId)
                                .setCandidateNumber(candidateNumber)
                                .build()))
                .getCleared());
    }

    @Operation(
            summary = "Withdraws a candidate's access at once",
            description = "Proctors and universities. Every service "
                    + "refuses the candidate's tokens within seconds; the candidate cannot sign in again.")
    @PostMapping("/exams/{examId}/candidates/{candidateNumber}/revocation")
    public RevocationView revoke(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
            @PathVariable @Pattern(regexp = Ids.PATTERN) String candidateNumber,
            @Valid @RequestBody RevocationBody body,
            HttpServletRequest request) {
        return new RevocationView(Views.instant(calls.idempotent(
                        services.auth(),
                        callers.signedIn(request),
                        auth -> auth.revoke(RevokeRequest.newBuilder()
                                .setExamId(examId)
                                .setSubject(candidateNumber)
                                .setReason(body.reason())
                                .build()))
                .getRevokedAt()));
    }
}
