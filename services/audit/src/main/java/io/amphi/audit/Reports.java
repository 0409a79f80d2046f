package io.amphi.audit;

import java.io.PrintStream;

/** The human-readable output: each discrepancy on a line, then a summary table. */
final class Reports {

    private static final String FRAME =
            "+----------------------+------------------------------------------------------------------+";

    private Reports() {
    }

    static void print(LogVerifier.Report report, PrintStream out) {
        out.printf("Exam %s, from %s%n%n", report.examId(), report.origin());
        if (!report.discrepancies().isEmpty()) {
            out.printf("%-22s %-34s %-6s %s%n", "PROBLEM", "SESSION", "EVENT", "DETAIL");
            report.discrepancies().forEach(d ->
                    out.printf("%-22s %-34s %-6s %s%n", d.problem(), d.session(), d.event(), d.detail()));
            out.println();
        }
        double seconds = report.took().toNanos() / 1e9;
        out.println(FRAME);
        row(out, "sessions", "%,d (%,d intact)".formatted(report.sessions(), report.intactSessions()));
        row(out, "events", "%,d".formatted(report.events()));
        row(out, "seal", switch (report.seal()) {
            case MATCHES -> "recorded, matches the log";
            case NOT_SEALED -> "none yet (a deleted last event cannot be detected)";
            case DIFFERS -> "DOES NOT MATCH the log";
        });
        if (report.recordedRoot() != null) {
            row(out, "recorded root", report.recordedRoot());
        }
        row(out, "recomputed root", report.recomputedRoot());
        row(out, "time", "%.2f s (%,.0f events/s)".formatted(seconds, report.events() / Math.max(seconds, 1e-9)));
        row(out, "result", report.clean() ? "CLEAN" : "%d DISCREPANC%s".formatted(report.discrepancies().size(),
                report.discrepancies().size() == 1 ? "Y" : "IES"));
        out.println(FRAME);
    }

    private static void row(PrintStream out, String name, String value) {
        out.printf("| %-20s | %-64s |%n", name, value);
    }

    static void print(Rescorer.Report report, PrintStream out) {
        out.printf("Exam %s rescored with key version %d under rules %s%n%n", report.examId(), report.keyVersion(),
                report.ruleSet());
        if (!report.differences().isEmpty()) {
            out.printf("%-34s %-12s %-16s %s%n", "SESSION", "QUESTION", "PLATFORM", "RECOMPUTED");
            report.differences().forEach(d ->
                    out.printf("%-34s %-12s %-16s %s%n", d.session(), d.question(), d.platform(), d.recomputed()));
            out.println();
        }
        double seconds = report.took().toNanos() / 1e9;
        out.println(FRAME);
        row(out, "sessions rescored", "%,d".formatted(report.sessions()));
        row(out, "platform's results", report.platformKeyVersion() == 0 ? "none recorded"
                : "under key version " + report.platformKeyVersion());
        row(out, "time", "%.2f s (%,.0f sessions/s)".formatted(seconds, report.sessions() / Math.max(seconds, 1e-9)));
        row(out, "result", report.clean() ? "IDENTICAL" : "%d DIFFERENCE%s".formatted(report.differences().size(),
                report.differences().size() == 1 ? "" : "S"));
        out.println(FRAME);
    }
}
