package io.amphi.delivery.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.delivery.api.Answer;
import io.amphi.delivery.api.Events.OfflineAnswer;
import io.amphi.delivery.offline.OfflineJournalWriter.Entry;
import io.amphi.platform.domain.DomainException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The journal file as AUDIT-FORMAT.md section 10 specifies it, written by {@link OfflineJournalWriter}
 * from the specification (the page is the other writer, checked end to end in a browser), opened by
 * {@link OfflineJournalFile}, and refused whole when anything in it was changed.
 */
class OfflineJournalFileTest {

    static final Path VECTOR = Path.of("../audit/vectors/offline-journal.json");
    private static final String SESSION = "demo-2026:cand-001";
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static final List<Entry> ENTRIES = List.of(
            new Entry(7, "q1", "2026-06-15T08:59:10.123Z", "{\"choices\":[\"B\"]}"),
            new Entry(8, "q3", "2026-06-15T08:59:30Z", "{\"text\":\"acide acétylsalicylique\"}"),
            new Entry(9, "q5", "2026-06-15T08:59:50Z", "{\"likert\":-2}"),
            new Entry(10, "q2", "2026-06-15T08:59:55Z", "{\"cleared\":true}"));

    @Test
    void opensWhatThePageWroteWithEveryEntryAsRecorded() throws Exception {
        List<OfflineAnswer> answers = OfflineJournalFile.open(
                        OfflineJournalWriter.file(SESSION, ENTRIES, KEY), SESSION, KEY)
                .entries();

        assertThat(answers)
                .containsExactly(
                        new OfflineAnswer(
                                "q1", 7, new Answer.Choices(List.of("B")), Instant.parse("2026-06-15T08:59:10.123Z")),
                        new OfflineAnswer(
                                "q3",
                                8,
                                new Answer.Text("acide acétylsalicylique"),
                                Instant.parse("2026-06-15T08:59:30Z")),
                        new OfflineAnswer("q5", 9, new Answer.Likert(-2), Instant.parse("2026-06-15T08:59:50Z")),
                        new OfflineAnswer("q2", 10, new Answer.Cleared(), Instant.parse("2026-06-15T08:59:55Z")));
    }

    /**
     * The known-answer vector of AUDIT-FORMAT.md section 10, which the page's own code must also
     * produce byte for byte (services/web/test/offlineJournal.test.ts).
     */
    @Test
    void theSpecificationsVectorIsWhatThisWriterWritesAndOpens() throws Exception {
        JsonNode vector = new ObjectMapper().readTree(VECTOR.toFile());
        assertThat(vector.path("sessionId").asText()).isEqualTo(SESSION);
        assertThat(vector.path("journalKey").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(KEY));
        byte[] written = OfflineJournalWriter.file(SESSION, ENTRIES, KEY);
        assertThat(new String(written, StandardCharsets.UTF_8))
                .isEqualTo(vector.path("file").asText());
        assertThat(OfflineJournalFile.open(vector.path("file").asText().getBytes(StandardCharsets.UTF_8), SESSION, KEY)
                        .entries())
                .hasSize(ENTRIES.size());
    }

    @Test
    void anEntryChangedAndReEncryptedWithoutItsMacIsTampered() throws Exception {
        List<Entry> changed = new ArrayList<>(ENTRIES);
        changed.set(1, new Entry(8, "q3", "2026-06-15T08:59:30Z", "{\"text\":\"aspirin\"}"));
        byte[] forged = OfflineJournalWriter.file(SESSION, changed, ENTRIES, KEY);

        assertRefused(forged, "JOURNAL_TAMPERED", "entries[1] (save 8, question q3) does not verify");
    }

    @Test
    void aFileWhoseCiphertextWasTouchedOrThatAnotherSessionWroteIsRefused() throws Exception {
        byte[] file = OfflineJournalWriter.file(SESSION, ENTRIES, KEY);
        String text = new String(file, StandardCharsets.UTF_8);
        int at = text.indexOf("\"ciphertext\":\"") + 20;
        char flipped = text.charAt(at) == 'A' ? 'B' : 'A';
        byte[] touched = (text.substring(0, at) + flipped + text.substring(at + 1)).getBytes(StandardCharsets.UTF_8);
        assertRefused(touched, "JOURNAL_TAMPERED", "does not decrypt");

        byte[] otherKey = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
        assertRefused(OfflineJournalWriter.file(SESSION, ENTRIES, otherKey), "JOURNAL_TAMPERED", "does not decrypt");
        assertRefused(
                OfflineJournalWriter.file("demo-2026:cand-002", ENTRIES, KEY),
                "JOURNAL_UNREADABLE",
                "journal of session 'demo-2026:cand-002', not of demo-2026:cand-001");
    }

    @Test
    void refusesWhatIsNotAJournal() {
        assertRefused("not json".getBytes(StandardCharsets.UTF_8), "JOURNAL_UNREADABLE", "not JSON");
        assertRefused("{\"format\":\"amphi-exam/v1\"}".getBytes(StandardCharsets.UTF_8), "JOURNAL_UNREADABLE", "lacks");
        assertRefused(
                ("{\"format\":\"amphi-offline-journal/v1\",\"sessionId\":\"" + SESSION + "\",\"createdAt\":\"x\","
                                + "\"iv\":\"AAAA\",\"ciphertext\":\"AAAA\",\"extra\":1}")
                        .getBytes(StandardCharsets.UTF_8),
                "JOURNAL_UNREADABLE",
                "unknown member 'extra'");
        assertRefused(
                ("{\"format\":\"amphi-offline-journal/v1\",\"sessionId\":\"" + SESSION + "\",\"createdAt\":\"x\","
                                + "\"iv\":\"AAAA\",\"ciphertext\":\"AAAA\"}")
                        .getBytes(StandardCharsets.UTF_8),
                "JOURNAL_UNREADABLE",
                "createdAt is not an ISO-8601 instant");
        assertRefused(
                ("{\"format\":\"amphi-offline-journal/v1\",\"sessionId\":\"" + SESSION + "\",\"createdAt\":"
                                + "\"2026-06-15T09:00:05Z\",\"iv\":\"AAAA\",\"ciphertext\":\"AAAA\"}")
                        .getBytes(StandardCharsets.UTF_8),
                "JOURNAL_UNREADABLE",
                "iv is 3 bytes");
    }

    @Test
    void theSameJournalReSpacedIsTheSameUploadAndAnotherSpellingOfItsBytesIsRefused() throws Exception {
        byte[] file = OfflineJournalWriter.file(SESSION, ENTRIES, KEY);
        String text = new String(file, StandardCharsets.UTF_8);
        String respaced = text.replace(",\"", ",\n  \"");
        assertThat(OfflineJournalFile.open(respaced.getBytes(StandardCharsets.UTF_8), SESSION, KEY)
                        .uploadId())
                .isEqualTo(OfflineJournalFile.open(file, SESSION, KEY).uploadId())
                .hasSize(64);

        String ciphertext = new ObjectMapper().readTree(file).path("ciphertext").asText();
        assertThat(ciphertext).as("these entries' ciphertext needs padding").endsWith("=");
        assertRefused(
                text.replace(ciphertext, ciphertext.replace("=", "")).getBytes(StandardCharsets.UTF_8),
                "JOURNAL_UNREADABLE",
                "padded base64");
    }

    private static void assertRefused(byte[] file, String reason, String message) {
        assertThatThrownBy(() -> OfflineJournalFile.open(file, SESSION, KEY))
                .isInstanceOfSatisfying(
                        DomainException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }
}
