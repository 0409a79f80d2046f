package io.amphi.gateway.api;

import io.amphi.gateway.grpc.Calls;
import io.amphi.gateway.grpc.ServiceChannels;
import io.amphi.proto.auth.v1.CandidateCredential;
import io.amphi.proto.auth.v1.IssueCandidateCredentialsRequest;
import io.amphi.proto.auth.v1.IssueCandidateCredentialsResponse;
import io.amphi.proto.delivery.v1.CloseExamRequest;
import io.amphi.proto.delivery.v1.ExamSeal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A university's exam: candidates' access codes, closing and sealing. */
@RestController
@Validated
@RequestMapping(path = "/api/v1/exams/{examId}")
@Tag(name = "Exam administration", description = "A university's actions on its exams")
public class ExamAdminController {

    /** As many candidates as the auth service takes in one call. */
    static final int MAX_CANDIDATES = 10_000;
    static final String CANDIDATE_NUMBER = "candidate_number";
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile(Ids.PATTERN);

    private final ServiceChannels services;
    private final Calls calls;
    private final RequestCaller callers;

    public ExamAdminController(ServiceChannels services, Calls calls, RequestCaller callers) {
        this.services = services;
        this.calls = calls;
        this.callers = callers;
    }

    @Schema(description = "A candidate's access code, shown once: hand it to the candidate.")
    public record CredentialView(String candidateNumber, String accessCode) {
    }

    @Schema(description = "The codes issued, one per candidate in the order of the file.")
    public record CredentialsView(int stored, List<CredentialView> credentials) {
    }

    @Schema(description = "The seal of an exam's log: publish merkleRoot outside the platform.")
    public record SealView(String examId, String merkleRoot, int sessionCount, Instant sealedAt, boolean alreadySealed) {
    }

    @Operation(summary = "Issues (or reissues) access codes for candidates from a CSV file",
            description = "Body: text/csv with a header row naming the column candidate_number, then one candidate per row. "
                    + "All or nothing: a file with any bad row stores nothing and the answer (400) names every bad row with its "
                    + "line. A university token with scope exams:write. The codes are returned once (as CSV when asked with "
                    + "Accept: text/csv); only their hashes are stored.")
    @PostMapping(path = "/credentials", consumes = "text/csv", produces = "application/json")
    public CredentialsView issueCredentials(@PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
                                            @RequestBody String csv, HttpServletRequest request) {
        IssueCandidateCredentialsResponse issued = issue(examId, csv, request);
        return new CredentialsView(issued.getStored(), issued.getCredentialsList().stream()
                .map(c -> new CredentialView(c.getCandidateNumber(), c.getAccessCode())).toList());
    }

    @Operation(summary = "The same, answered as CSV (candidate_number,access_code)")
    @PostMapping(path = "/credentials", consumes = "text/csv", produces = "text/csv")
    public String issueCredentialsAsCsv(@PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
                                        @RequestBody String csv, HttpServletRequest request) {
        IssueCandidateCredentialsResponse issued = issue(examId, csv, request);
        StringBuilder out = new StringBuilder(Csv.line(List.of(CANDIDATE_NUMBER, "access_code")));
        issued.getCredentialsList().forEach(c -> out.append(Csv.line(List.of(c.getCandidateNumber(), c.getAccessCode()))));
        return out.toString();
    }

    private IssueCandidateCredentialsResponse issue(String examId, String csv, HttpServletRequest request) {
        List<String> candidates = candidateNumbers(csv);
        Calls.Caller caller = callers.signedIn(request);
        IssueCandidateCredentialsRequest.Builder issue = IssueCandidateCredentialsRequest.newBuilder().setExamId(examId);
        candidates.forEach(number -> issue.addCandidates(CandidateCredential.newBuilder().setCandidateNumber(number)));
        return calls.onceBulk(services.auth(), caller, auth -> auth.issueCandidateCredentials(issue.build()));
    }

    /** The candidate numbers of a file, or a refusal naming every bad row. */
    static List<String> candidateNumbers(String csv) {
        Csv.Parsed parsed = Csv.parse(csv, MAX_CANDIDATES + 1);
        List<Map<String, Object>> problems = new ArrayList<>(parsed.problems());
        List<String> numbers = new ArrayList<>();
        if (parsed.rows().isEmpty()) {
            throw refusal("The file is empty: send a header row (candidate_number) and one candidate per row.", problems);
        }
        List<String> header = parsed.rows().getFirst().fields().stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        int column = header.indexOf(CANDIDATE_NUMBER);
        if (column < 0) {
            problems.add(Map.of("line", 1, "message", "the header row must name a column candidate_number"));
            throw refusal("The file's first row must be a header naming the column candidate_number.", problems);
        }
        Map<String, Integer> seen = new HashMap<>();
        for (Csv.Row row : parsed.rows().subList(1, parsed.rows().size())) {
            if (row.fields().size() != header.size()) {
                problems.add(Map.of("line", row.line(), "message",
                        "has " + row.fields().size() + " fields where the header has " + header.size()));
                continue;
            }
            String number = row.fields().get(column).strip();
            if (!ID.matcher(number).matches()) {
                problems.add(Map.of("line", row.line(), "column", CANDIDATE_NUMBER, "message",
                        "'" + Problems.quote(number) + "' is not a candidate number: 1 to 64 letters, digits, '.', '_' or '-'"));
                continue;
            }
            Integer first = seen.putIfAbsent(number, row.line());
            if (first != null) {
                problems.add(Map.of("line", row.line(), "column", CANDIDATE_NUMBER, "message",
                        "candidate " + number + " is already on line " + first));
                continue;
            }
            numbers.add(number);
        }
        if (numbers.isEmpty() && problems.isEmpty()) {
            throw refusal("The file names no candidate.", problems);
        }
        if (numbers.size() > MAX_CANDIDATES) {
            problems.add(Map.of("message", "more than " + MAX_CANDIDATES + " candidates; split the file"));
        }
        if (!problems.isEmpty()) {
            throw refusal("The file was not taken: " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                    + ", listed in 'problems'. Nothing was stored; correct the file and send it again.", problems);
        }
        return numbers;
    }

    private static ApiException refusal(String message, List<Map<String, Object>> problems) {
        return new ApiException(HttpStatus.BAD_REQUEST, "INVALID_CSV", message,
                problems.size() > 1_000 ? problems.subList(0, 1_000) : problems);
    }

    @Operation(summary = "Closes an exam and seals its log",
            description = "Once its window has ended and every session is submitted: each session's hash chain is checked and "
                    + "the Merkle root over them recorded and returned. Closing again returns the same seal. 409 EXAM_OPEN, "
                    + "SESSIONS_RUNNING or LOG_DAMAGED. A university token with scope exams:write.")
    @PostMapping(path = "/seal", produces = "application/json")
    public SealView close(@PathVariable @Pattern(regexp = Ids.PATTERN) String examId, HttpServletRequest request) {
        ExamSeal seal = calls.onceBulk(services.delivery(), callers.signedIn(request),
                delivery -> delivery.closeExam(CloseExamRequest.newBuilder().setExamId(examId).build()));
        return new SealView(seal.getExamId(), seal.getMerkleRoot(), seal.getSessionCount(), Views.instant(seal.getSealedAt()),
                seal.getAlreadySealed());
    }
}
