package io.amphi.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.amphi.delivery.RunningDelivery;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.CloseExamRequest;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.SubmitSessionRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The audit tool against a real log in a real embedded PostgreSQL, made by a real delivery: an
 * untouched log verifies clean; one changed byte, one deleted event, two swapped events and a
 * removed last event are each pinpointed, in the database and in an exported file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditToolIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;
    private static final List<String> CANDIDATES = List.of("cand-001", "cand-002", "cand-003");
    private static final List<String> CHOICE_QUESTIONS = List.of("q1", "q2", "case1.q1", "case1.q2");

    @TempDir
    static Path data;

    @TempDir
    static Path files;

    private RunningDelivery delivery;
    private JdbcTemplate jdbc;
    private String url;
    private String root;

    record Outcome(int exitCode, String out) {}

    @BeforeAll
    void makeASealedExam() {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        delivery = RunningDelivery.start(data, clock, "amphi.delivery.auto-submit-interval=1h");
        delivery.openDemoExam(
                clock,
                CANDIDATES.stream()
                        .map(c -> new Enrolment(EXAM, c, Duration.ZERO))
                        .toList());
        for (String candidate : CANDIDATES) {
            DeliveryServiceBlockingStub stub = delivery.asCandidate(candidate);
            String session = stub.startSession(
                            StartSessionRequest.newBuilder().setExamId(EXAM).build())
                    .getSession()
                    .getSessionId();
            for (int save = 1; save <= 4; save++) {
                stub.saveAnswer(SaveAnswerRequest.newBuilder()
                        .setSessionId(session)
                        .setQuestionId(CHOICE_QUESTIONS.get(save - 1))
                        .setSaveNumber(save)
                        .setAnswer(Answer.newBuilder()
                                .setChoices(ChoiceAnswer.newBuilder().addOptionIds("A")))
                        .build());
            }
            stub.submitSession(
                    SubmitSessionRequest.newBuilder().setSessionId(session).build());
        }
        clock.advance(Duration.ofHours(1));
        root = delivery.withToken(delivery.auth().universityToken("univ-paris", "exams:write"))
                .closeExam(CloseExamRequest.newBuilder().setExamId(EXAM).build())
                .getMerkleRoot();
        jdbc = delivery.administrator();
        url = delivery.bean(HikariDataSource.class).getJdbcUrl();
    }

    @AfterAll
    void stop() {
        delivery.close();
    }

    private Outcome audit(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AuditCli.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                false,
                args);
        String text = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        return new Outcome(exit, text);
    }

    private Outcome verifyDatabase() {
        return audit("verify", "--db", url, "--exam", EXAM, "--password", "");
    }

    @Test
    void anUntouchedLogVerifiesCleanInTheDatabaseAndInItsExport() throws IOException {
        Outcome live = verifyDatabase();
        assertThat(live.exitCode()).isZero();
        assertThat(live.out())
                .contains("CLEAN")
                .contains("recorded, matches the log")
                .contains(root);

        Path file = files.resolve("clean.ndjson");
        assertThat(audit("export", "--db", url, "--exam", EXAM, "--password", "", "--out", file.toString())
                        .exitCode())
                .isZero();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.getFirst())
                .contains("\"format\":\"amphi-audit-log/v2\"")
                .contains("\"exam\":\"" + EXAM + "\"");
        assertThat(lines)
                .as("header, seal, content release, three sessions of six events")
                .hasSize(1 + 1 + 1 + 3 * 6);
        assertThat(audit("verify", "--file", file.toString(), "--expected-root", root)
                        .exitCode())
                .isZero();

        Outcome wrongRoot = audit("verify", "--file", file.toString(), "--expected-root", "ab".repeat(32));
        assertThat(wrongRoot.exitCode()).isEqualTo(AuditCli.DISCREPANCY);
        assertThat(wrongRoot.out()).contains("NOT_THE_PUBLISHED_SEAL");
    }

    @Test
    void oneChangedBytePinpointsItsEvent() {
        String session = EXAM + ":cand-002";
        byte[] original = payload(session, 2);
        byte[] tampered = original.clone();
        int at = new String(original, StandardCharsets.UTF_8).indexOf("\"A\"") + 1;
        tampered[at] = 'B';
        setPayload(session, 2, tampered);
        try {
            Outcome outcome = verifyDatabase();
            assertThat(outcome.exitCode()).isEqualTo(AuditCli.DISCREPANCY);
            assertThat(outcome.out()).containsPattern("ALTERED +" + session + " +2 +event 2 was altered");
        } finally {
            setPayload(session, 2, original);
        }
        assertThat(verifyDatabase().exitCode()).isZero();
    }

    @Test
    void aDeletedEventIsMissing() {
        String session = EXAM + ":cand-001";
        Map<String, Object> row = row(session, 3);
        jdbc.update(
                "DELETE FROM event_store.domain_event_entry WHERE aggregate_identifier = ? AND sequence_number = 3",
                session);
        try {
            Outcome outcome = verifyDatabase();
            assertThat(outcome.exitCode()).isEqualTo(AuditCli.DISCREPANCY);
            assertThat(outcome.out()).containsPattern("MISSING +" + session + " +3 +event 3 is missing");
        } finally {
            reinsert(row);
        }
        assertThat(verifyDatabase().exitCode()).isZero();
    }

    @Test
    void swappedEventsAreReordered() {
        String session = EXAM + ":cand-003";
        swap(session, 1, 2);
        try {
            Outcome outcome = verifyDatabase();
            assertThat(outcome.exitCode()).isEqualTo(AuditCli.DISCREPANCY);
            assertThat(outcome.out())
                    .containsPattern("REORDERED +" + session + " +1 +event 1 is out of place")
                    .contains("appended as event 2");
        } finally {
            swap(session, 1, 2);
        }
        assertThat(verifyDatabase().exitCode()).isZero();
    }

    @Test
    void aRemovedLastEventIsCaughtByTheSeal() {
        String session = EXAM + ":cand-001";
        Map<String, Object> row = row(session, 5);
        jdbc.update(
                "DELETE FROM event_store.domain_event_entry WHERE aggregate_identifier = ? AND sequence_number = 5",
                session);
        try {
            Outcome outcome = verifyDatabase();
            assertThat(outcome.exitCode()).isEqualTo(AuditCli.DISCREPANCY);
            assertThat(outcome.out())
                    .containsPattern("CHANGED_AFTER_SEAL +" + session)
                    .contains("sealed with last event 5")
                    .contains("found last event 4")
                    .contains("DOES NOT MATCH the log");
        } finally {
            reinsert(row);
        }
        assertThat(verifyDatabase().exitCode()).isZero();
    }

    @Test
    void aChangedLineOfAnExportIsPinpointed() throws IOException {
        Path file = files.resolve("tampered.ndjson");
        audit("export", "--db", url, "--exam", EXAM, "--password", "", "--out", file.toString());
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        int line = 1 + 1 + 1 + 6 + 2;
        lines.set(line, lines.get(line).replace("\"timestamp\":\"20", "\"timestamp\":\"19"));
        Files.write(file, lines);
        Outcome outcome = audit("verify", "--file", file.toString());
        assertThat(outcome.exitCode()).isEqualTo(AuditCli.DISCREPANCY);
        assertThat(outcome.out()).containsPattern("ALTERED +" + EXAM + ":cand-002 +2 ");
    }

    @Test
    void aFileThatIsNotAnExportIsRefused() throws IOException {
        Path file = Files.writeString(files.resolve("notes.txt"), "hello\n");
        Outcome outcome = audit("verify", "--file", file.toString());
        assertThat(outcome.exitCode()).isEqualTo(AuditCli.FAILURE);
        assertThat(outcome.out()).contains("is not an amphi-audit-log/v2 file");
        assertThat(audit("verify").exitCode()).isEqualTo(AuditCli.FAILURE);
    }

    private byte[] payload(String session, long sequence) {
        return jdbc.queryForObject(
                "SELECT payload FROM event_store.domain_event_entry WHERE aggregate_identifier = ? AND sequence_number = ?",
                byte[].class,
                session,
                sequence);
    }

    private void setPayload(String session, long sequence, byte[] payload) {
        jdbc.update(
                "UPDATE event_store.domain_event_entry SET payload = ? WHERE aggregate_identifier = ? AND sequence_number = ?",
                payload,
                session,
                sequence);
    }

    private Map<String, Object> row(String session, long sequence) {
        return jdbc.queryForMap(
                "SELECT * FROM event_store.domain_event_entry WHERE aggregate_identifier = ? AND sequence_number = ?",
                session,
                sequence);
    }

    private void reinsert(Map<String, Object> row) {
        String columns = String.join(", ", row.keySet());
        String marks = String.join(", ", row.keySet().stream().map(c -> "?").toList());
        jdbc.update(
                "INSERT INTO event_store.domain_event_entry (" + columns + ") VALUES (" + marks + ")",
                row.values().toArray());
    }

    private void swap(String session, long first, long second) {
        String move =
                "UPDATE event_store.domain_event_entry SET sequence_number = ? WHERE aggregate_identifier = ? AND sequence_number = ?";
        jdbc.update(move, -1, session, first);
        jdbc.update(move, first, session, second);
        jdbc.update(move, second, session, -1);
    }
}
