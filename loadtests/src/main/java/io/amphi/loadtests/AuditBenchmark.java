package io.amphi.loadtests;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.amphi.audit.AuditCli;
import io.amphi.delivery.api.Answer;
import io.amphi.delivery.api.Events.AnswerSaved;
import io.amphi.delivery.api.Events.SessionStarted;
import io.amphi.delivery.api.Events.SessionSubmitted;
import io.amphi.delivery.api.SubmissionCause;
import io.amphi.delivery.catalog.ContentAnnouncements;
import io.amphi.delivery.catalog.JdbcExamCatalog;
import io.amphi.delivery.domain.ExamSchedule;
import io.amphi.delivery.seal.ExamSealing;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import io.amphi.scoring.ScoringApplication;
import io.amphi.scoring.api.QuestionKey;
import io.amphi.scoring.api.ScoringCommands;
import io.amphi.scoring.api.ScoringCommands.PublishAnswerKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.MetaData;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Generates a sealed exam of N sessions of A answers through the real hash-chained event store,
 * then times what auditors and the scoring service do with it. Prints figures, never passes or fails.
 */
public final class AuditBenchmark {

    private static final String EXAM = "bench-exam";
    private static final int QUESTIONS = 120;
    private static final List<String> OPTIONS = List.of("A", "B", "C", "D", "E");
    private static final Duration PATIENCE = Duration.ofMinutes(45);

    private AuditBenchmark() {}

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int answers = args.length > 1 ? Integer.parseInt(args[1]) : 120;
        Path data = Files.createTempDirectory("amphi-audit-bench");
        String cluster = "audit-bench-" + data.getFileName();
        Map<String, String> figures = new LinkedHashMap<>();
        try (ConfigurableApplicationContext auth = BenchmarkServices.auth(data, cluster);
                ConfigurableApplicationContext delivery =
                        BenchmarkServices.delivery(data, cluster, auth, "--amphi.delivery.auto-submit-interval=1h")) {
            String url = delivery.getBean(HikariDataSource.class).getJdbcUrl();
            JdbcExamCatalog catalog = delivery.getBean(JdbcExamCatalog.class);
            delivery.getBean(ContentAnnouncements.class)
                    .announce(catalog.publish(examFile(), "generated benchmark exam"));
            Instant now = Instant.now();
            catalog.schedule(EXAM, new ExamSchedule(now.minus(Duration.ofHours(5)), now.minus(Duration.ofHours(4))));

            long events = (long) sessions * (answers + 2);
            double seconds = timed(() -> generate(delivery.getBean(EventStorageEngine.class), sessions, answers, now));
            figures.put(
                    "generate (hash-chained appends)",
                    "%,d events in %.1f s: %,.0f events/s".formatted(events, seconds, events / seconds));

            seconds = timed(() -> delivery.getBean(ExamSealing.class).close(EXAM, "benchmark"));
            figures.put(
                    "CloseExam (checks every chain, seals)",
                    "%.1f s: %,.0f sessions/s".formatted(seconds, sessions / seconds));

            Capture verify = audit("verify", "--db", url, "--exam", EXAM, "--password", "");
            figures.put(
                    "audit verify --db",
                    "%.1f s: %,.0f events/s (exit %d)".formatted(verify.seconds, events / verify.seconds, verify.exit));
            Path file = data.resolve("bench.ndjson");
            Capture export = audit("export", "--db", url, "--exam", EXAM, "--password", "", "--out", file.toString());
            figures.put(
                    "audit export",
                    "%.1f s, %,d MB (exit %d)".formatted(export.seconds, Files.size(file) >> 20, export.exit));
            Capture verifyFile = audit("verify", "--file", file.toString());
            figures.put(
                    "audit verify --file",
                    "%.1f s: %,.0f events/s (exit %d)"
                            .formatted(verifyFile.seconds, events / verifyFile.seconds, verifyFile.exit));
            Capture secondVerifier = secondVerifier(file);
            figures.put(
                    "second verifier (Python) verify --file",
                    "%.1f s: %,.0f events/s (exit %d), %.1fx the Java tool's time"
                            .formatted(
                                    secondVerifier.seconds,
                                    events / secondVerifier.seconds,
                                    secondVerifier.exit,
                                    secondVerifier.seconds / verifyFile.seconds));

            long scoringStart = System.nanoTime();
            try (ConfigurableApplicationContext scoring = new SpringApplicationBuilder(ScoringApplication.class)
                    .run(
                            "--amphi.grpc.port=0",
                            "--logging.level.root=warn",
                            "--spring.datasource.url=" + url,
                            "--amphi.hazelcast.cluster-name=" + cluster,
                            "--amphi.auth.address=127.0.0.1:"
                                    + auth.getBean(GrpcServerLifecycle.class).port())) {
                figures.put("scoring service start", "%.1f s".formatted((System.nanoTime() - scoringStart) / 1e9));
                JdbcTemplate results = scoring.getBean(JdbcTemplate.class);
                seconds = timed(() -> waitFor(
                        () -> count(results, "SELECT count(*) FROM scoring_session WHERE submitted_at IS NOT NULL")
                                == sessions));
                figures.put(
                        "scoring projection catches up", "%.1f s: %,.0f events/s".formatted(seconds, events / seconds));

                CommandGateway commands = scoring.getBean(CommandGateway.class);
                seconds = timed(() -> {
                    commands.sendAndWait(new PublishAnswerKey(
                            ScoringCommands.scoringId(EXAM), EXAM, 1, key(false), "edn-v1", "", "benchmark"));
                    waitFor(() ->
                            count(results, "SELECT count(*) FROM scoring_result WHERE key_version = 1") == sessions);
                });
                figures.put("scoring under key 1", "%.1f s: %,.0f sessions/s".formatted(seconds, sessions / seconds));
                seconds = timed(() -> {
                    commands.sendAndWait(new PublishAnswerKey(
                            ScoringCommands.scoringId(EXAM),
                            EXAM,
                            1,
                            key(true),
                            "edn-v1",
                            "ten keys corrected",
                            "benchmark"));
                    waitFor(() ->
                            count(results, "SELECT count(*) FROM scoring_result WHERE key_version = 2") == sessions);
                });
                figures.put(
                        "re-scoring after a correction (with change report)",
                        "%.1f s: %,.0f sessions/s, %,d question changes"
                                .formatted(
                                        seconds,
                                        sessions / seconds,
                                        count(results, "SELECT count(*) FROM scoring_question_change")));
                Capture rescore = audit("rescore", "--db", url, "--exam", EXAM, "--password", "");
                figures.put(
                        "audit rescore --db",
                        "%.1f s: %,.0f sessions/s (exit %d)"
                                .formatted(rescore.seconds, sessions / rescore.seconds, rescore.exit));
                System.out.println("\n--- sample: ./audit verify --file ---\n" + verifyFile.out);
                System.out.println("--- sample: ./audit rescore --db ---\n" + rescore.out);
            }
        } finally {
            BenchmarkServices.deleteFolder(data);
        }
        System.out.printf(
                "%nAudit and scoring benchmark, %,d sessions x %d answers, %d cores, %d MB heap%n",
                sessions,
                answers,
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        figures.forEach((name, value) -> System.out.printf("  %-52s %s%n", name, value));
    }

    private static byte[] examFile() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode exam = json.createObjectNode()
                .put("format", "amphi-exam/v1")
                .put("examId", EXAM)
                .put("version", 1)
                .put("title", "Generated benchmark exam")
                .put("duration", "PT3H");
        ArrayNode questions = exam.putArray("questions");
        for (int q = 0; q < QUESTIONS; q++) {
            ObjectNode question = questions
                    .addObject()
                    .put("kind", q % 2 == 0 ? "single-best-answer" : "multiple-response")
                    .put("id", "q" + q)
                    .put("stem", "Generated question " + q);
            ArrayNode options = question.putArray("options");
            OPTIONS.forEach(o -> options.addObject().put("id", o).put("text", "Option " + o));
        }
        return json.writeValueAsBytes(exam);
    }

    private static Map<String, QuestionKey> key(boolean corrected) {
        Map<String, QuestionKey> key = new LinkedHashMap<>();
        for (int q = 0; q < QUESTIONS; q++) {
            boolean changed = corrected && q < 10;
            key.put(
                    "q" + q,
                    q % 2 == 0
                            ? new QuestionKey.SingleBestAnswer(changed ? "B" : "A")
                            : new QuestionKey.MultipleResponse(
                                    changed ? Set.of("B", "C") : Set.of("A", "B"), Set.of(), Set.of()));
        }
        return key;
    }

    private static void generate(EventStorageEngine engine, int sessions, int answers, Instant start) {
        Random random = new Random(42);
        List<EventMessage<?>> batch = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            String candidate = "c%06d".formatted(s);
            String session = EXAM + ":" + candidate;
            Instant time = start.minus(Duration.ofHours(5));
            long sequence = 0;
            batch.add(event(
                    session,
                    sequence++,
                    new SessionStarted(
                            session, EXAM, 1, candidate, time, Duration.ZERO, time.plus(Duration.ofHours(3))),
                    time));
            for (int a = 1; a <= answers; a++) {
                int q = random.nextInt(QUESTIONS);
                Answer answer = q % 2 == 0
                        ? new Answer.Choices(List.of(OPTIONS.get(random.nextInt(3))))
                        : new Answer.Choices(random.nextBoolean() ? List.of("A", "B") : List.of("A", "C", "D"));
                time = time.plusSeconds(60);
                batch.add(event(session, sequence++, new AnswerSaved(session, "q" + q, a, answer, time), time));
            }
            batch.add(event(
                    session, sequence, new SessionSubmitted(session, SubmissionCause.CANDIDATE, time, time), time));
            if (batch.size() >= 2_000) {
                engine.appendEvents(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            engine.appendEvents(batch);
        }
    }

    private static EventMessage<?> event(String session, long sequence, Object payload, Instant time) {
        return new GenericDomainEventMessage<>(
                "ExamSession",
                session,
                sequence,
                payload,
                MetaData.emptyInstance(),
                UUID.randomUUID().toString(),
                time);
    }

    private record Capture(int exit, String out, double seconds) {}

    private static Capture audit(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int exit = AuditCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, false, args);
        return new Capture(exit, out.toString(StandardCharsets.UTF_8), (System.nanoTime() - start) / 1e9);
    }

    /** The independent Python verifier on the same file; run from the repository root (run-benchmark.sh goes there). */
    private static Capture secondVerifier(Path file) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(
                        "python3", "services/audit/verifier-py/amphi_verify.py", "verify", "--file", file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        return new Capture(exit, out, (System.nanoTime() - start) / 1e9);
    }

    private static long count(JdbcTemplate jdbc, String sql) {
        return jdbc.queryForObject(sql, Long.class);
    }

    private static void waitFor(BooleanSupplier done) {
        long giveUp = System.nanoTime() + PATIENCE.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException("Not done within " + PATIENCE);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static double timed(Step step) throws Exception {
        long start = System.nanoTime();
        step.run();
        return (System.nanoTime() - start) / 1e9;
    }
}
