package io.amphi.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The independent verifier (services/audit/verifier-py/amphi_verify.py, Python 3, standard
 * library only), written from AUDIT-FORMAT.md alone, run as its own process. With CI=true a
 * machine without python3 fails the build; elsewhere the tests that need it are skipped.
 */
final class SecondVerifier {

    static final Path SCRIPT = Path.of("verifier-py", "amphi_verify.py");

    record Run(int exitCode, String output) {}

    private SecondVerifier() {}

    static void require() {
        boolean available;
        try {
            available = new ProcessBuilder("python3", "--version")
                            .redirectErrorStream(true)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException | InterruptedException e) {
            available = false;
        }
        if (!available && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(
                    "python3 is needed to run the second verifier; install it (apt-get install python3)");
        }
        Assumptions.assumeTrue(
                available, "python3 not found: the second verifier is skipped (install python3 to run it)");
    }

    static Run run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the second verifier did not finish: " + command);
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    static JsonNode verdict(Path file, List<String> options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("verify", "--file", file.toString(), "--json"));
        args.addAll(options);
        Run run = run(args.toArray(String[]::new));
        return withExitCode(run.output(), run.exitCode());
    }

    /** A printed verdict with the exit code beside it; a tool that could not read the file prints none. */
    static JsonNode withExitCode(String output, int exitCode) throws IOException {
        ObjectNode verdict = output.isBlank()
                ? new ObjectMapper().createObjectNode()
                : (ObjectNode) new ObjectMapper().readTree(output);
        return verdict.put("exitCode", exitCode);
    }

    /** The same exit code, counts, roots and findings (problem, aggregate, event); details may be worded differently. */
    static void assertSameVerdict(JsonNode python, JsonNode java) {
        assertThat(python.get("exitCode")).as("the second verifier's exit code").isEqualTo(java.get("exitCode"));
        if (java.get("exitCode").asInt() == AuditCli.FAILURE) {
            return;
        }
        for (String field : List.of(
                "exitCode",
                "verdict",
                "events",
                "sessions",
                "intactSessions",
                "examRoot",
                "recomputedRoot",
                "publications",
                "publicationRoot")) {
            assertThat(python.get(field)).as("the second verifier's %s", field).isEqualTo(java.get(field));
        }
        assertThat(AuditVectorsIT.findings(python))
                .as("the second verifier's findings")
                .containsExactlyInAnyOrderElementsOf(AuditVectorsIT.findings(java));
    }
}
