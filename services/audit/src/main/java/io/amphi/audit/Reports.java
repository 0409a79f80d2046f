package io.amphi.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;

/** The human-readable output: each discrepancy on a line, then a summary table. */
final class Reports {

    private static final String FRAME =
            "+----------------------+------------------------------------------------------------------+";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter ASCII = JSON.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

    private Reports() {}

    static void print(LogVerifier.Report report, PrintStream out) {
        out.printf("Exam %s, from %s%n%n", report.examId(), report.origin());
        if (!report.discrepancies().isEmpty()) {
            out.printf("%-22s %-34s %-6s %s%n", "PROBLEM", "AGGREGATE", "EVENT", "DETAIL");
            report.discrepancies()
                    .forEach(d ->
                            out.printf("%-22s %-34s %-6s %s%n", d.problem(), d.aggregate(), d.event(), d.detail()));
            out.println();
        }
        double seconds = report.took().toNanos() / 1e9;
        out.println(FRAME);
        row(out, "sessions", "%,d (%,d intact)".formatted(report.sessions(), report.intactSessions()));
        row(out, "events", "%,d".formatted(report.events()));
        row(
                out,
                "seal",
                switch (report.seal()) {
                    case MATCHES -> "recorded, matches the log";
                    case NOT_SEALED -> "none yet (a deleted last event cannot be detected)";
                    case DIFFERS -> "DOES NOT MATCH the log";
                });
        if (report.recordedRoot() != null) {
            row(out, "recorded root", report.recordedRoot());
        }
        row(
                out,
                "recomputed root",
                report.recomputedRoot() == null ? "none (a session's chain is damaged)" : report.recomputedRoot());
        LogVerifier.PublicationStatus publication = report.publication();
        row(
                out,
                "publications",
                publication.publications() == 0
                        ? "none"
                        : "%d, the latest of key version %d"
                                .formatted(publication.publications(), publication.keyVersion()));
        if (publication.latestRoot() != null) {
            row(out, "publication root", publication.latestRoot());
        }
        row(out, "results", publication.results());
        row(out, "time", "%.2f s (%,.0f events/s)".formatted(seconds, report.events() / Math.max(seconds, 1e-9)));
        row(
                out,
                "result",
                report.clean()
                        ? "CLEAN"
                        : "%d DISCREPANC%s"
                                .formatted(
                                        report.discrepancies().size(),
                                        report.discrepancies().size() == 1 ? "Y" : "IES"));
        out.println(FRAME);
    }

    /** The verdict as one JSON object, the form both verifiers print so that their verdicts can be compared. */
    static void printJson(LogVerifier.Report report, PrintStream out) {
        ObjectNode verdict = JSON.createObjectNode()
                .put("exam", report.examId())
                .put("verdict", report.clean() ? "CLEAN" : "DISCREPANCIES")
                .put("events", report.events())
                .put("sessions", report.sessions())
                .put("intactSessions", report.intactSessions())
                .put("examRoot", report.recordedRoot())
                .put("recomputedRoot", report.recomputedRoot())
                .put("publications", report.publication().publications())
                .put("publicationRoot", report.publication().latestRoot());
        ArrayNode findings = verdict.putArray("findings");
        report.discrepancies()
                .forEach(d -> findings.addObject()
                        .put("problem", d.problem())
                        .put("aggregate", d.aggregate())
                        .put("event", d.event())
                        .put("detail", d.detail()));
        out.println(asciiJson(verdict));
    }

    /** JSON with every character beyond ASCII escaped: the same bytes whatever the terminal's charset. */
    static String asciiJson(Object value) {
        try {
            return ASCII.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void row(PrintStream out, String name, String value) {
        out.printf("| %-20s | %-64s |%n", name, value);
    }

    static void print(Rescorer.Report report, PrintStream out) {
        out.printf(
                "Exam %s rescored with key version %d under rules %s%n%n",
                report.examId(), report.keyVersion(), report.ruleSet());
        if (!report.differences().isEmpty()) {
            out.printf("%-34s %-12s %-16s %s%n", "SESSION", "QUESTION", "PLATFORM", "RECOMPUTED");
            report.differences()
                    .forEach(d -> out.printf(
                            "%-34s %-12s %-16s %s%n", d.session(), d.question(), d.platform(), d.recomputed()));
            out.println();
        }
        double seconds = report.took().toNanos() / 1e9;
        out.println(FRAME);
        row(out, "sessions rescored", "%,d".formatted(report.sessions()));
        row(
                out,
                "platform's results",
                report.platformKeyVersion() == 0
                        ? "none recorded"
                        : "under key version " + report.platformKeyVersion());
        row(out, "time", "%.2f s (%,.0f sessions/s)".formatted(seconds, report.sessions() / Math.max(seconds, 1e-9)));
        row(
                out,
                "result",
                report.clean()
                        ? "IDENTICAL"
                        : "%d DIFFERENCE%s"
                                .formatted(
                                        report.differences().size(),
                                        report.differences().size() == 1 ? "" : "S"));
        out.println(FRAME);
    }
}
