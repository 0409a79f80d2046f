package io.amphi.gateway.rest;

import io.amphi.gateway.grpc.Calls;
import io.amphi.gateway.grpc.ServiceChannels;
import io.amphi.proto.delivery.v1.ReceiptKeys;
import io.amphi.proto.scoring.v1.AnswerKeyVersion;
import io.amphi.proto.scoring.v1.CandidateResult;
import io.amphi.proto.scoring.v1.ExamResults;
import io.amphi.proto.scoring.v1.ExamStatistics;
import io.amphi.proto.scoring.v1.GetExamStatisticsRequest;
import io.amphi.proto.scoring.v1.GetMyResultRequest;
import io.amphi.proto.scoring.v1.GetRescoreReportRequest;
import io.amphi.proto.scoring.v1.GetSessionResultRequest;
import io.amphi.proto.scoring.v1.ListResultsRequest;
import io.amphi.proto.scoring.v1.PublishResultsRequest;
import io.amphi.proto.scoring.v1.RescoreReport;
import io.amphi.proto.scoring.v1.ResultsPublication;
import io.amphi.proto.scoring.v1.SessionResult;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Answer keys, results and their publication, and what anyone needs to check a receipt. */
@RestController
@Validated
@RequestMapping(path = "/api/v1")
@Tag(name = "Scoring and results", description = "Answer keys, statistics, results with their provenance, publication")
public class ResultsController {

    /** Results are read from scoring in pages of this size when exported. */
    static final int EXPORT_PAGE = 1_000;

    private final ServiceChannels services;
    private final Calls calls;
    private final RequestCaller callers;

    public ResultsController(ServiceChannels services, Calls calls, RequestCaller callers) {
        this.services = services;
        this.calls = calls;
        this.callers = callers;
    }

    @Schema(description = "The answer key version just published.")
    public record KeyVersionView(String examId, int keyVersion) {}

    @Schema(description = "Per-question statistics under the latest key.")
    public record StatisticsView(
            String examId, int keyVersion, int sessions, String meanTotal, List<QuestionStatisticsView> questions) {}

    @Schema(description = "How one question behaved.")
    public record QuestionStatisticsView(
            String questionId, double successRate, double discriminationIndex, List<String> warnings) {}

    @Schema(
            description =
                    "What a key version changed. ready is false while sessions are still being scored: ask again.")
    public record RescoreView(
            boolean ready,
            int keyVersion,
            String reason,
            List<QuestionChangeView> questionChanges,
            List<RankChangeView> rankChanges) {}

    @Schema(description = "A question score that changed.")
    public record QuestionChangeView(String candidateId, String questionId, String oldPoints, String newPoints) {}

    @Schema(description = "A candidate whose total or rank changed.")
    public record RankChangeView(String candidateId, String oldTotal, String newTotal, int oldRank, int newRank) {}

    @Schema(description = "A publication of results: publish publicationRoot outside the platform.")
    public record PublicationView(
            String examId,
            int keyVersion,
            String ruleSet,
            Instant publishedAt,
            boolean alreadyPublished,
            int publication,
            String publicationRoot,
            String resultsRoot,
            int results) {}

    @Schema(description = "A page of results, best first. Scores are decimal strings with three decimals.")
    public record ResultsPageView(
            String examId,
            int keyVersion,
            String ruleSet,
            boolean published,
            int totalCandidates,
            List<CandidateResultView> results,

            @Schema(description = "Pass as pageToken for the next page; absent at the end.")
            String nextPageToken) {}

    @Schema(description = "One candidate's place.")
    public record CandidateResultView(String candidateId, String total, String maxTotal, int rank, double percentile) {}

    @Schema(description = "One session's result, question by question, with what it was computed from.")
    public record SessionResultView(
            String sessionId,
            String candidateId,
            String total,
            String maxTotal,
            int rank,
            List<QuestionResultView> questions,
            ProvenanceView provenance) {}

    @Schema(description = "One question's score.")
    public record QuestionResultView(String questionId, String points, String maxPoints) {}

    @Schema(description = "What a result was computed from; the audit tool recomputes it from the log.")
    public record ProvenanceView(
            int contentVersion, int keyVersion, String ruleSet, long lastSequence, String lastEventHash) {}

    @Schema(description = "An exported result: the candidate's place and the result with its provenance.")
    public record ExportedResultView(String candidateId, int rank, double percentile, SessionResultView result) {}

    @Schema(description = "A public key receipts are signed with.")
    public record ReceiptKeyView(
            String keyId,
            String algorithm,

            @Schema(description = "The 32-byte RFC 8032 key, base64.")
            String publicKey,

            Instant createdAt) {}

    @Operation(
            summary = "Publishes the next answer key version of a sealed exam",
            description =
                    "The first is version 1; a correction is the next and must give a reason. Every submitted session is "
                            + "scored again. 400 lists every question the key does not fit; 409 EXAM_NOT_CLOSED before sealing. A "
                            + "university token with scope exams:write. Not retried: each call publishes a version.")
    @PostMapping(path = "/exams/{examId}/answer-keys", consumes = "application/json", produces = "application/json")
    public KeyVersionView publishKey(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
            @Valid @RequestBody AnswerKeys.AnswerKeyBody body,
            HttpServletRequest request) {
        AnswerKeyVersion version = calls.onceBulk(
                services.scoring(),
                callers.signedIn(request),
                scoring -> scoring.publishAnswerKey(body.toProto(examId)));
        return new KeyVersionView(version.getExamId(), version.getKeyVersion());
    }

    @Operation(summary = "What a key version changed", description = "A university with results:read, or an auditor.")
    @GetMapping(path = "/exams/{examId}/answer-keys/{keyVersion}/rescore-report", produces = "application/json")
    public RescoreView rescoreReport(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
            @PathVariable @Min(1) @Max(1_000_000) int keyVersion,
            HttpServletRequest request) {
        RescoreReport report = calls.idempotent(
                services.scoring(),
                callers.signedIn(request),
                scoring -> scoring.getRescoreReport(GetRescoreReportRequest.newBuilder()
                        .setExamId(examId)
                        .setKeyVersion(keyVersion)
                        .build()));
        return new RescoreView(
                report.getReady(),
                report.getKeyVersion(),
                report.getReason(),
                report.getQuestionChangesList().stream()
                        .map(c -> new QuestionChangeView(
                                c.getCandidateId(), c.getQuestionId(), c.getOldPoints(), c.getNewPoints()))
                        .toList(),
                report.getRankChangesList().stream()
                        .map(c -> new RankChangeView(
                                c.getCandidateId(), c.getOldTotal(), c.getNewTotal(), c.getOldRank(), c.getNewRank()))
                        .toList());
    }

    @Operation(
            summary = "Per-question statistics under the latest key",
            description = "So a faulty question stands out "
                    + "before results are published. A university with results:read, or an auditor.")
    @GetMapping(path = "/exams/{examId}/statistics", produces = "application/json")
    public StatisticsView statistics(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId, HttpServletRequest request) {
        ExamStatistics statistics = calls.idempotent(
                services.scoring(),
                callers.signedIn(request),
                scoring -> scoring.getExamStatistics(
                        GetExamStatisticsRequest.newBuilder().setExamId(examId).build()));
        return new StatisticsView(
                statistics.getExamId(),
                statistics.getKeyVersion(),
                statistics.getSessions(),
                statistics.getMeanTotal(),
                statistics.getQuestionsList().stream()
                        .map(q -> new QuestionStatisticsView(
                                q.getQuestionId(), q.getSuccessRate(), q.getDiscriminationIndex(), q.getWarningsList()))
                        .toList());
    }

    @Operation(
            summary = "Publishes and seals the results under the latest key",
            description =
                    "Publishing again without a new key returns the same seal. 409 NO_ANSWER_KEY, RESULTS_NOT_READY "
                            + "(retry), RESULTS_INCOMPLETE, SCORING_CHANGED (retry) or LOG_DAMAGED. A university with exams:write.")
    @PostMapping(path = "/exams/{examId}/results/publications", produces = "application/json")
    public PublicationView publish(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId, HttpServletRequest request) {
        ResultsPublication publication = calls.onceBulk(
                services.scoring(),
                callers.signedIn(request),
                scoring -> scoring.publishResults(
                        PublishResultsRequest.newBuilder().setExamId(examId).build()));
        return new PublicationView(
                publication.getExamId(),
                publication.getKeyVersion(),
                publication.getRuleSet(),
                Views.instant(publication.getPublishedAt()),
                publication.getAlreadyPublished(),
                publication.getPublication(),
                publication.getPublicationRoot(),
                publication.getResultsRoot(),
                publication.getResults());
    }

    @Operation(
            summary = "A page of the exam's results, best first",
            description = "An auditor always; a university with results:read once the results are published.")
    @GetMapping(path = "/exams/{examId}/results", produces = "application/json")
    public ResultsPageView results(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
            @RequestParam(defaultValue = "100") @Min(1) @Max(1_000) int pageSize,
            @RequestParam(defaultValue = "") @Size(max = 200) @Pattern(regexp = "[A-Za-z0-9_=-]*") String pageToken,
            HttpServletRequest request) {
        ExamResults page = page(examId, pageSize, pageToken, callers.signedIn(request));
        return new ResultsPageView(
                page.getExamId(),
                page.getKeyVersion(),
                page.getRuleSet(),
                page.getPublished(),
                page.getTotalCandidates(),
                page.getResultsList().stream().map(ResultsController::candidate).toList(),
                page.getNextPageToken().isEmpty() ? null : page.getNextPageToken());
    }

    @Operation(
            summary = "Every result of the exam with its provenance, as JSON",
            description =
                    "Each candidate's place and their result question by question, with the content, key and rule set "
                            + "versions and the last event scored. Same permissions as the results.")
    @GetMapping(path = "/exams/{examId}/results/export", produces = "application/json")
    public ResponseEntity<List<ExportedResultView>> export(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId, HttpServletRequest request) {
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + examId + "-results.json\"")
                .body(exported(examId, callers.signedIn(request)));
    }

    @Operation(
            summary = "The same, as CSV",
            description = "One row per candidate: candidate_id, session_id, total, max_total, "
                    + "rank, percentile, content_version, key_version, rule_set, last_sequence, last_event_hash.")
    @GetMapping(path = "/exams/{examId}/results/export", produces = "text/csv")
    public ResponseEntity<String> exportCsv(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId, HttpServletRequest request) {
        StringBuilder out = new StringBuilder(Csv.line(List.of(
                "candidate_id",
                "session_id",
                "total",
                "max_total",
                "rank",
                "percentile",
                "content_version",
                "key_version",
                "rule_set",
                "last_sequence",
                "last_event_hash")));
        for (ExportedResultView row : exported(examId, callers.signedIn(request))) {
            ProvenanceView provenance = row.result().provenance();
            out.append(Csv.line(List.of(
                    row.candidateId(),
                    row.result().sessionId(),
                    row.result().total(),
                    row.result().maxTotal(),
                    Integer.toString(row.rank()),
                    Double.toString(row.percentile()),
                    Integer.toString(provenance.contentVersion()),
                    Integer.toString(provenance.keyVersion()),
                    provenance.ruleSet(),
                    Long.toString(provenance.lastSequence()),
                    provenance.lastEventHash())));
        }
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + examId + "-results.csv\"")
                .body(out.toString());
    }

    @Operation(
            summary = "One session's result with its provenance",
            description = "An auditor always; a university with " + "results:read once published.")
    @GetMapping(path = "/sessions/{sessionId}/result", produces = "application/json")
    public SessionResultView sessionResult(
            @PathVariable @Pattern(regexp = Ids.SESSION) String sessionId, HttpServletRequest request) {
        return result(calls.idempotent(
                services.scoring(),
                callers.signedIn(request),
                scoring -> scoring.getSessionResult(GetSessionResultRequest.newBuilder()
                        .setSessionId(sessionId)
                        .build())));
    }

    @Operation(summary = "The calling candidate's own result, once published")
    @GetMapping(path = "/exams/{examId}/my-result", produces = "application/json")
    public SessionResultView myResult(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId, HttpServletRequest request) {
        return result(calls.idempotent(
                services.scoring(),
                callers.signedIn(request),
                scoring -> scoring.getMyResult(
                        GetMyResultRequest.newBuilder().setExamId(examId).build())));
    }

    @Operation(
            summary = "Every public key receipts were signed with",
            description = "Needs no token: anyone checks a receipt.")
    @GetMapping(path = "/receipt-keys", produces = "application/json")
    public List<ReceiptKeyView> receiptKeys(HttpServletRequest request) {
        ReceiptKeys keys = calls.idempotent(
                services.delivery(),
                callers.anonymous(request),
                delivery -> delivery.getReceiptKeys(com.google.protobuf.Empty.getDefaultInstance()));
        return keys.getKeysList().stream()
                .map(k -> new ReceiptKeyView(
                        k.getKeyId(),
                        k.getAlgorithm(),
                        Base64.getEncoder().encodeToString(k.getPublicKey().toByteArray()),
                        Views.instant(k.getCreatedAt())))
                .toList();
    }

    private ExamResults page(String examId, int pageSize, String pageToken, Calls.Caller caller) {
        return calls.idempotent(
                services.scoring(),
                caller,
                scoring -> scoring.listResults(ListResultsRequest.newBuilder()
                        .setExamId(examId)
                        .setPageSize(pageSize)
                        .setPageToken(pageToken)
                        .build()));
    }

    private List<ExportedResultView> exported(String examId, Calls.Caller caller) {
        List<ExportedResultView> rows = new ArrayList<>();
        String token = "";
        do {
            ExamResults page = page(examId, EXPORT_PAGE, token, caller);
            for (CandidateResult candidate : page.getResultsList()) {
                String sessionId = examId + ":" + candidate.getCandidateId();
                SessionResult result = calls.idempotent(
                        services.scoring(),
                        caller,
                        scoring -> scoring.getSessionResult(GetSessionResultRequest.newBuilder()
                                .setSessionId(sessionId)
                                .build()));
                rows.add(new ExportedResultView(
                        candidate.getCandidateId(), candidate.getRank(), candidate.getPercentile(), result(result)));
            }
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return rows;
    }

    private static CandidateResultView candidate(CandidateResult result) {
        return new CandidateResultView(
                result.getCandidateId(),
                result.getTotal(),
                result.getMaxTotal(),
                result.getRank(),
                result.getPercentile());
    }

    private static SessionResultView result(SessionResult result) {
        return new SessionResultView(
                result.getSessionId(),
                result.getCandidateId(),
                result.getTotal(),
                result.getMaxTotal(),
                result.getRank(),
                result.getQuestionsList().stream()
                        .map(q -> new QuestionResultView(q.getQuestionId(), q.getPoints(), q.getMaxPoints()))
                        .toList(),
                new ProvenanceView(
                        result.getProvenance().getContentVersion(),
                        result.getProvenance().getKeyVersion(),
                        result.getProvenance().getRuleSet(),
                        result.getProvenance().getLastSequence(),
                        result.getProvenance().getLastEventHash()));
    }
}
