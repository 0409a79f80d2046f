package io.amphi.gateway.rest;

import com.google.protobuf.ByteString;
import io.amphi.gateway.grpc.Calls;
import io.amphi.gateway.grpc.ServiceChannels;
import io.amphi.proto.auth.v1.CandidateCredential;
import io.amphi.proto.auth.v1.IssueCandidateCredentialsRequest;
import io.amphi.proto.auth.v1.IssueCandidateCredentialsResponse;
import io.amphi.proto.delivery.v1.CandidateEnrolment;
import io.amphi.proto.delivery.v1.CloseExamRequest;
import io.amphi.proto.delivery.v1.EnrolCandidatesRequest;
import io.amphi.proto.delivery.v1.ExamSeal;
import io.amphi.proto.delivery.v1.PublishExamContentRequest;
import io.amphi.proto.delivery.v1.PublishedExamContent;
import io.amphi.proto.delivery.v1.ScheduleExamRequest;
import io.amphi.proto.delivery.v1.ScheduleExamResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
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
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A university's exams: content, schedule, enrolments and access codes, closing and sealing. */
@RestController
@Validated
@RequestMapping(path = "/api/v1")
@Tag(name = "Exam administration", description = "A university's actions on its exams")
public class ExamAdminController {

    /** As many candidates as the auth service takes in one call. */
    static final int MAX_CANDIDATES = 10_000;

    static final String CANDIDATE_NUMBER = "candidate_number";
    static final String EXTRA_TIME = "extra_time_minutes";
    static final String SITE = "site";
    private static final java.util.regex.Pattern MINUTES = java.util.regex.Pattern.compile("[0-9]{1,4}");
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile(Ids.PATTERN);

    /** The media type of an exam file upload. */
    static final String EXAM_FILE = "application/vnd.amphi.exam+json";

    private final ServiceChannels services;
    private final Calls calls;
    private final RequestCaller callers;

    public ExamAdminController(ServiceChannels services, Calls calls, RequestCaller callers) {
        this.services = services;
        this.calls = calls;
        this.callers = callers;
    }

    @Schema(description = "A candidate's access code, shown once: hand it to the candidate.")
    public record CredentialView(String candidateNumber, String accessCode) {}

    @Schema(description = "The codes issued, one per candidate in the order of the file.")
    public record CredentialsView(int stored, List<CredentialView> credentials) {}

    @Schema(description = "The seal of an exam's log: publish merkleRoot outside the platform.")
    public record SealView(
            String examId, String merkleRoot, int sessionCount, Instant sealedAt, boolean alreadySealed) {}

    @Operation(
            summary = "Issues (or reissues) access codes for candidates from a CSV file",
            description =
                    "Body: text/csv with a header row naming the column candidate_number, then one candidate per row. "
                            + "All or nothing: a file with any bad row stores nothing and the answer (400) names every bad row with its "
                            + "line. A university token with scope exams:write. The codes are returned once (as CSV when asked with "
                            + "Accept: text/csv); only their hashes are stored.")
    @PostMapping(path = "/exams/{examId}/credentials", consumes = "text/csv", produces = "application/json")
    public CredentialsView issueCredentials(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
            @RequestBody String csv,
            HttpServletRequest request) {
        IssueCandidateCredentialsResponse issued = issue(examId, csv, request);
        return new CredentialsView(
                issued.getStored(),
                issued.getCredentialsList().stream()
                        .map(c -> new CredentialView(c.getCandidateNumber(), c.getAccessCode()))
                        .toList());
    }

    @Operation(summary = "The same, answered as CSV (candidate_number,access_code)")
    @PostMapping(path = "/exams/{examId}/credentials", consumes = "text/csv", produces = "text/csv")
    public String issueCredentialsAsCsv(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
            @RequestBody String csv,
            HttpServletRequest request) {
        IssueCandidateCredentialsResponse issued = issue(examId, csv, request);
        return codesCsv(issued.getCredentialsList().stream()
                .map(c -> new CredentialView(c.getCandidateNumber(), c.getAccessCode()))
                .toList());
    }

    private IssueCandidateCredentialsResponse issue(String examId, String csv, HttpServletRequest request) {
        Calls.Caller caller = callers.signedIn(request);
        List<String> candidates = candidateNumbers(csv);
        IssueCandidateCredentialsRequest.Builder issue =
                IssueCandidateCredentialsRequest.newBuilder().setExamId(examId);
        candidates.forEach(
                number -> issue.addCandidates(CandidateCredential.newBuilder().setCandidateNumber(number)));
        return calls.onceBulk(services.auth(), caller, auth -> auth.issueCandidateCredentials(issue.build()));
    }

    /** The candidate numbers of a file, or a refusal naming every bad row. */
    static List<String> candidateNumbers(String csv) {
        return enrolments(csv).stream().map(EnrolmentRow::candidateNumber).toList();
    }

    /** One row of an enrolment file. */
    record EnrolmentRow(String candidateNumber, int extraTimeMinutes, String site) {}

    /**
     * The rows of a file: a header naming candidate_number and, optionally, extra_time_minutes (0 to
     * 1,440) and site; or a refusal naming every bad row with its line.
     */
    static List<EnrolmentRow> enrolments(String csv) {
        Csv.Parsed parsed = Csv.parse(csv, MAX_CANDIDATES + 1);
        List<Map<String, Object>> problems = new ArrayList<>(parsed.problems());
        List<EnrolmentRow> rows = new ArrayList<>();
        if (parsed.rows().isEmpty()) {
            throw refusal(
                    "The file is empty: send a header row (candidate_number) and one candidate per row.", problems);
        }
        List<String> header = parsed.rows().getFirst().fields().stream()
                .map(h -> h.strip().toLowerCase(Locale.ROOT))
                .toList();
        int column = header.indexOf(CANDIDATE_NUMBER);
        if (column < 0) {
            problems.add(Map.of("line", 1, "message", "the header row must name a column candidate_number"));
            throw refusal("The file's first row must be a header naming the column candidate_number.", problems);
        }
        int extraColumn = header.indexOf(EXTRA_TIME);
        int siteColumn = header.indexOf(SITE);
        Map<String, Integer> seen = new HashMap<>();
        for (Csv.Row row : parsed.rows().subList(1, parsed.rows().size())) {
            if (row.fields().size() != header.size()) {
                problems.add(Map.of(
                        "line",
                        row.line(),
                        "message",
                        "has " + row.fields().size() + " fields where the header has " + header.size()));
                continue;
            }
            String number = row.fields().get(column).strip();
            if (!ID.matcher(number).matches()) {
                problems.add(Map.of(
                        "line",
                        row.line(),
                        "column",
                        CANDIDATE_NUMBER,
                        "message",
                        "'" + Problems.quote(number)
                                + "' is not a candidate number: 1 to 64 letters, digits, '.', '_' or '-'"));
                continue;
            }
            Integer first = seen.putIfAbsent(number, row.line());
            if (first != null) {
                problems.add(Map.of(
                        "line",
                        row.line(),
                        "column",
                        CANDIDATE_NUMBER,
                        "message",
                        "candidate " + number + " is already on line " + first));
                continue;
            }
            String extra = extraColumn < 0 ? "" : row.fields().get(extraColumn).strip();
            if (!extra.isEmpty() && !(MINUTES.matcher(extra).matches() && Integer.parseInt(extra) <= 1_440)) {
                problems.add(Map.of(
                        "line",
                        row.line(),
                        "column",
                        EXTRA_TIME,
                        "message",
                        "'" + Problems.quote(extra) + "' is not a number of minutes from 0 to 1440"));
                continue;
            }
            String site = siteColumn < 0 ? "" : row.fields().get(siteColumn).strip();
            if (!site.isEmpty() && !ID.matcher(site).matches()) {
                problems.add(Map.of(
                        "line",
                        row.line(),
                        "column",
                        SITE,
                        "message",
                        "'" + Problems.quote(site) + "' is not a site: 1 to 64 letters, digits, '.', '_' or '-'"));
                continue;
            }
            rows.add(new EnrolmentRow(
                    number, extra.isEmpty() ? 0 : Integer.parseInt(extra), site.isEmpty() ? null : site));
        }
        if (rows.isEmpty() && problems.isEmpty()) {
            throw refusal("The file names no candidate.", problems);
        }
        if (rows.size() > MAX_CANDIDATES) {
            problems.add(Map.of("message", "more than " + MAX_CANDIDATES + " candidates; split the file"));
        }
        if (!problems.isEmpty()) {
            throw refusal(
                    "The file was not taken: " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                            + ", listed in 'problems'. Nothing was stored; correct the file and send it again.",
                    problems);
        }
        return rows;
    }

    private static ApiException refusal(String message, List<Map<String, Object>> problems) {
        return new ApiException(
                HttpStatus.BAD_REQUEST,
                "INVALID_CSV",
                message,
                problems.size() > 1_000 ? problems.subList(0, 1_000) : problems);
    }

    @Schema(description = "The content version published.")
    public record PublishedContentView(
            String examId,
            int version,
            String title,
            int answerableQuestions,

            @Schema(description = "SHA-256 of the file as stored (hex).")
            String contentSha256) {}

    @Schema(description = "The window in which candidates may start the exam.")
    public record ScheduleBody(
            @NotNull Instant opensAt, @NotNull Instant closesAt) {}

    @Schema(
            description =
                    "The candidates enrolled and their access codes, shown once: hand each code to its candidate.")
    public record EnrolledView(int enrolled, List<CredentialView> credentials) {}

    @Operation(
            summary = "Publishes a content version of an exam from its file",
            description =
                    "Body: the exam file (amphi-exam/v1, services/delivery/EXAM-FORMAT.md) as "
                            + "application/vnd.amphi.exam+json, at most 4 MiB. The same file again changes nothing; other content "
                            + "under a published version is 409 VERSION_ALREADY_PUBLISHED. 400 INVALID_EXAM_FILE lists every problem "
                            + "with its location; nothing is stored then. A university token with scope exams:write for that exam.")
    @PostMapping(path = "/exam-files", consumes = EXAM_FILE, produces = "application/json")
    public PublishedContentView publishContent(@RequestBody byte[] file, HttpServletRequest request) {
        Uploads.requireFits(file, "An exam file");
        PublishedExamContent published = calls.onceBulk(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.publishExamContent(PublishExamContentRequest.newBuilder()
                        .setExamFile(ByteString.copyFrom(file))
                        .build()));
        return new PublishedContentView(
                published.getExamId(),
                published.getVersion(),
                published.getTitle(),
                published.getAnswerableQuestions(),
                published.getContentSha256());
    }

    @Operation(
            summary = "Sets or moves the window in which candidates may start",
            description =
                    "409 SEALED once the exam is sealed; 404 UNKNOWN_EXAM before its content is published. Scope exams:write.")
    @PutMapping(path = "/exams/{examId}/schedule", consumes = "application/json", produces = "application/json")
    public ScheduleBody schedule(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
            @Valid @RequestBody ScheduleBody body,
            HttpServletRequest request) {
        ScheduleExamResponse scheduled = calls.idempotent(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.scheduleExam(ScheduleExamRequest.newBuilder()
                        .setExamId(examId)
                        .setOpensAt(Views.timestamp(body.opensAt()))
                        .setClosesAt(Views.timestamp(body.closesAt()))
                        .build()));
        return new ScheduleBody(Views.instant(scheduled.getOpensAt()), Views.instant(scheduled.getClosesAt()));
    }

    @Operation(
            summary = "Enrols candidates from a CSV file and issues their access codes",
            description =
                    "Body: text/csv with a header naming candidate_number and, optionally, extra_time_minutes (0 to "
                            + "1440) and site. A file with any bad row stores nothing and the answer (400 INVALID_CSV) names every bad "
                            + "row with its line. The enrolments are stored in one transaction, then each candidate gets a new access "
                            + "code, returned once (as CSV with Accept: text/csv); if issuing the codes fails, the enrolments stay and "
                            + "sending the file again issues them. A new code replaces a candidate's old one: to change only extra "
                            + "time or sites after codes were handed out, send the file with ?issueCodes=false. Scope exams:write.")
    @PostMapping(path = "/exams/{examId}/enrolments", consumes = "text/csv", produces = "application/json")
    public EnrolledView enrol(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
            @RequestBody String csv,
            @RequestParam(defaultValue = "true") boolean issueCodes,
            HttpServletRequest request) {
        return enrolAndIssue(examId, csv, issueCodes, request);
    }

    @Operation(summary = "The same, answered as CSV (candidate_number,access_code)")
    @PostMapping(path = "/exams/{examId}/enrolments", consumes = "text/csv", produces = "text/csv")
    public String enrolAsCsv(
            @PathVariable @Pattern(regexp = Ids.PATTERN) String examId,
            @RequestBody String csv,
            @RequestParam(defaultValue = "true") boolean issueCodes,
            HttpServletRequest request) {
        return codesCsv(enrolAndIssue(examId, csv, issueCodes, request).credentials());
    }

    /** Codes as the CSV a university hands out: candidate_number,access_code. */
    private static String codesCsv(List<CredentialView> credentials) {
        StringBuilder out = new StringBuilder(Csv.line(List.of(CANDIDATE_NUMBER, "access_code")));
        credentials.forEach(c -> out.append(Csv.line(List.of(c.candidateNumber(), c.accessCode()))));
        return out.toString();
    }

    private EnrolledView enrolAndIssue(String examId, String csv, boolean issueCodes, HttpServletRequest request) {
        Calls.Caller caller = callers.signedIn(request);
        List<EnrolmentRow> rows = enrolments(csv);
        EnrolCandidatesRequest.Builder enrol =
                EnrolCandidatesRequest.newBuilder().setExamId(examId);
        rows.forEach(row -> {
            CandidateEnrolment.Builder candidate = CandidateEnrolment.newBuilder()
                    .setCandidateId(row.candidateNumber())
                    .setExtraTime(com.google.protobuf.Duration.newBuilder().setSeconds(row.extraTimeMinutes() * 60L));
            if (row.site() != null) {
                candidate.setSite(row.site());
            }
            enrol.addCandidates(candidate);
        });
        // Enrolment first: it may be sent again (it updates); each issue of codes replaces the last.
        int enrolled = calls.onceBulk(services.delivery(), caller, delivery -> delivery.enrolCandidates(enrol.build()))
                .getEnrolled();
        if (!issueCodes) {
            return new EnrolledView(enrolled, List.of());
        }
        IssueCandidateCredentialsRequest.Builder issue =
                IssueCandidateCredentialsRequest.newBuilder().setExamId(examId);
        rows.forEach(
                row -> issue.addCandidates(CandidateCredential.newBuilder().setCandidateNumber(row.candidateNumber())));
        IssueCandidateCredentialsResponse issued =
                calls.onceBulk(services.auth(), caller, auth -> auth.issueCandidateCredentials(issue.build()));
        return new EnrolledView(
                enrolled,
                issued.getCredentialsList().stream()
                        .map(c -> new CredentialView(c.getCandidateNumber(), c.getAccessCode()))
                        .toList());
    }

    @Operation(
            summary = "Closes an exam and seals its log",
            description =
                    "Once its window has ended and every session is submitted: each session's hash chain is checked and "
                            + "the Merkle root over them recorded and returned. Closing again returns the same seal. 409 EXAM_OPEN, "
                            + "SESSIONS_RUNNING or LOG_DAMAGED. A university token with scope exams:write.")
    @PostMapping(path = "/exams/{examId}/seal", produces = "application/json")
    public SealView close(@PathVariable @Pattern(regexp = Ids.PATTERN) String examId, HttpServletRequest request) {
        ExamSeal seal = calls.onceBulk(
                services.delivery(),
                callers.signedIn(request),
                delivery -> delivery.closeExam(
                        CloseExamRequest.newBuilder().setExamId(examId).build()));
        return new SealView(
                seal.getExamId(),
                seal.getMerkleRoot(),
                seal.getSessionCount(),
                Views.instant(seal.getSealedAt()),
                seal.getAlreadySealed());
    }
}
