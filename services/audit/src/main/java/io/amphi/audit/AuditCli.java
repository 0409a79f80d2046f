package io.amphi.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.amphi.platform.audit.InclusionProof;
import io.amphi.platform.domain.Inputs;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The auditor's tool. Exit codes: 0 clean, 1 a discrepancy was found, 2 the command was wrong or
 * the log could not be read.
 */
@Command(
        name = "amphi-audit",
        mixinStandardHelpOptions = true,
        version = "amphi-audit 0.1.0",
        description = "Exports an exam's event log, verifies its hash chains and seal, recomputes its scores.",
        subcommands = {
            AuditCli.Export.class,
            AuditCli.Verify.class,
            AuditCli.Rescore.class,
            AuditCli.Prove.class,
            AuditCli.CheckReceipt.class
        })
public final class AuditCli {

    static final int CLEAN = 0;
    static final int DISCREPANCY = 1;
    static final int FAILURE = 2;

    final PrintStream out;
    final PrintStream err;
    final boolean terminal;

    AuditCli(PrintStream out, PrintStream err, boolean terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, System.console() != null, args));
    }

    /** Runs one command line; the exit code is returned, not passed to the JVM. */
    public static int run(PrintStream out, PrintStream err, boolean terminal, String... args) {
        CommandLine commandLine = new CommandLine(new AuditCli(out, err, terminal)).setExpandAtFiles(false);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            err.println("amphi-audit: "
                    + switch (e) {
                        case NoSuchFileException missing -> "there is no file " + missing.getFile();
                        case SQLException database -> "cannot read the event store: " + database.getMessage();
                        default -> e.getMessage();
                    });
            return FAILURE;
        });
        try {
            return commandLine.execute(args);
        } catch (StackOverflowError | OutOfMemoryError e) {
            err.println("amphi-audit: the log could not be read (" + e + ")");
            return FAILURE;
        }
    }

    /** Where the log comes from: the live database or an exported file. */
    static final class Source {

        @ArgGroup(exclusive = false)
        Database database;

        @Option(names = "--file", description = "An exported log (" + LogFile.FORMAT + ").")
        Path file;

        static final class Database {
            @Option(
                    names = "--db",
                    required = true,
                    description = "JDBC URL of the event store, read read-only, "
                            + "e.g. jdbc:postgresql://127.0.0.1:5432/postgres")
            String url;

            @Option(
                    names = "--user",
                    defaultValue = "amphi_auditor",
                    description = "Database user (default: ${DEFAULT-VALUE}).")
            String user;

            @Option(
                    names = "--password",
                    defaultValue = "${env:AMPHI_AUDIT_DB_PASSWORD}",
                    description = "Database password (default: $AMPHI_AUDIT_DB_PASSWORD).")
            String password;

            @Option(names = "--exam", required = true, description = "The exam id.")
            String examId;
        }

        ExamLog open() throws Exception {
            return database != null
                    ? new DatabaseLog(database.url, database.user, database.password, database.examId)
                    : LogFileReader.open(file);
        }
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "Writes an exam's events from the live database to a self-describing file.")
    static final class Export implements Callable<Integer> {

        @ParentCommand
        AuditCli cli;

        @ArgGroup(exclusive = false, multiplicity = "1")
        Source.Database database;

        @Option(
                names = {"-o", "--out"},
                required = true,
                description = "The file to write.")
        Path out;

        @Override
        public Integer call() throws Exception {
            try (ExamLog log = new DatabaseLog(database.url, database.user, database.password, database.examId)) {
                Progress progress = new Progress(cli.err, "export", log.eventCount(), cli.terminal);
                long events = LogFileWriter.export(log, out, progress);
                progress.finish();
                cli.out.printf("Exported %,d events of exam %s to %s%n", events, log.examId(), out);
            }
            return CLEAN;
        }
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = "Recomputes every session's hash chain and the exam's seal; reports the first altered, "
                    + "missing or reordered event of each session.")
    static final class Verify implements Callable<Integer> {

        @ParentCommand
        AuditCli cli;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        @Option(names = "--expected-root", description = "The exam's Merkle root, published when it was sealed.")
        String expectedRoot;

        @Option(
                names = "--expected-publication-root",
                description = "The root of the latest publication of results, published with them.")
        String expectedPublicationRoot;

        @Option(names = "--json", description = "Print the verdict as one JSON object (AUDIT-FORMAT.md, \"Verdict\").")
        boolean json;

        @Override
        public Integer call() throws Exception {
            requireRoot(expectedRoot, "--expected-root");
            requireRoot(expectedPublicationRoot, "--expected-publication-root");
            try (ExamLog log = source.open()) {
                Progress progress = new Progress(cli.err, "verify", log.eventCount(), cli.terminal && !json);
                LogVerifier.Report report = LogVerifier.verify(log, expectedRoot, expectedPublicationRoot, progress);
                if (json) {
                    Reports.printJson(report, cli.out);
                } else {
                    Reports.print(report, cli.out);
                }
                return report.clean() ? CLEAN : DISCREPANCY;
            }
        }

        static void requireRoot(String root, String option) {
            if (root != null && !root.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException(
                        option + " takes a root of 64 hex digits, not " + Inputs.quote(root) + ".");
            }
        }
    }

    @Command(
            name = "rescore",
            mixinStandardHelpOptions = true,
            description = "Replays the log with an answer key version and a rule set and compares every score with "
                    + "the results the platform recorded.")
    static final class Rescore implements Callable<Integer> {

        @ParentCommand
        AuditCli cli;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        @Option(names = "--key-version", description = "The key version (default: that of the platform's results).")
        Integer keyVersion;

        @Option(names = "--rule-set", description = "The rule set version (default: the one published with the key).")
        String ruleSet;

        @Override
        public Integer call() throws Exception {
            try (ExamLog log = source.open()) {
                Progress progress = new Progress(cli.err, "rescore", log.eventCount(), cli.terminal);
                Rescorer.Report report = Rescorer.rescore(log, keyVersion, ruleSet, progress);
                Reports.print(report, cli.out);
                return report.clean() ? CLEAN : DISCREPANCY;
            }
        }
    }

    @Command(
            name = "prove",
            mixinStandardHelpOptions = true,
            description =
                    "Writes a session's proof of inclusion in the sealed exam (" + ReceiptCheck.PROOF_FORMAT + ").")
    static final class Prove implements Callable<Integer> {

        @ParentCommand
        AuditCli cli;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        @Option(names = "--session", required = true, description = "The session, \"<exam id>:<candidate id>\".")
        String session;

        @Option(
                names = {"-o", "--out"},
                description = "The file to write (default: standard output).")
        Path out;

        @Override
        public Integer call() throws Exception {
            try (ExamLog log = source.open()) {
                InclusionProof proof = Proofs.prove(log, session);
                String json = ReceiptCheck.proofJson(proof).toPrettyString();
                if (out == null) {
                    cli.out.println(json);
                } else {
                    Files.writeString(out, json + "\n");
                    cli.out.printf(
                            "Proof of %s in exam %s (root %s) written to %s%n",
                            session, log.examId(), proof.examRoot(), out);
                }
                return CLEAN;
            }
        }
    }

    @Command(
            name = "check-receipt",
            mixinStandardHelpOptions = true,
            description = "Checks a candidate's receipt: signed by the platform, the state the exam was sealed with, "
                    + "and in the published exam root.")
    static final class CheckReceipt implements Callable<Integer> {

        @ParentCommand
        AuditCli cli;

        @Option(
                names = "--receipt",
                required = true,
                description = "The receipt (" + ReceiptCheck.RECEIPT_FORMAT + ").")
        Path receipt;

        @Option(
                names = "--proof",
                required = true,
                description = "The session's proof (" + ReceiptCheck.PROOF_FORMAT + ").")
        Path proof;

        @Option(names = "--expected-root", required = true, description = "The exam root published at sealing.")
        String expectedRoot;

        @Option(
                names = "--public-key",
                required = true,
                description = "The Ed25519 key the receipt names (DeliveryService/GetReceiptKeys), 64 hex digits.")
        String publicKey;

        @Option(names = "--json", description = "Print the verdict as one JSON object.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Verify.requireRoot(expectedRoot, "--expected-root");
            List<ReceiptCheck.Finding> findings = ReceiptCheck.check(
                    ReceiptCheck.readReceipt(receipt),
                    ReceiptCheck.readProof(proof),
                    expectedRoot,
                    ReceiptCheck.publicKey(publicKey));
            if (json) {
                ObjectNode verdict = new ObjectMapper()
                        .createObjectNode()
                        .put("verdict", findings.isEmpty() ? "VALID" : "NOT_VALID");
                ArrayNode problems = verdict.putArray("findings");
                findings.forEach(finding -> problems.add(finding.problem()));
                cli.out.println(Reports.asciiJson(verdict));
            } else {
                findings.forEach(finding -> cli.out.printf("%-24s %s%n", finding.problem(), finding.detail()));
                cli.out.println(
                        findings.isEmpty()
                                ? "VALID: the platform signed this receipt and the sealed exam holds "
                                        + "the submission unchanged"
                                : "NOT VALID");
            }
            return findings.isEmpty() ? CLEAN : DISCREPANCY;
        }
    }
}
