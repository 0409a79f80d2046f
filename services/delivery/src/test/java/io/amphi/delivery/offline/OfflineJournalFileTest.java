package io.amphi.delivery.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.delivery.api.Answer;
import io.amphi.delivery.api.Events.OfflineAnswer;
import io.amphi.platform.domain.DomainException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The journal file as AUDIT-FORMAT.md section 10 specifies it, written here from the
 * specification (the page is the other writer, checked end to end in a browser), opened by
 * {@link OfflineJournalFile}, and refused whole when anything in it was changed.
 */
class OfflineJournalFileTest {

    static final Path VECTOR = Path.of("../audit/vectors/offline-journal.json");
    private static final String SESSION = "demo-2026:cand-001";
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    record Entry(long saveNumber, String questionId, String recordedAt, String answer) {
    }

    private static final List<Entry> ENTRIES = List.of(
            new Entry(7, "q1", "2026-06-15T08:59:10.123Z", "{\"choices\":[\"B\"]}"),
            new Entry(8, "q3", "2026-06-15T08:59:30Z", "{\"text\":\"acide acétylsalicylique\"}"),
            new Entry(9, "q5", "2026-06-15T08:59:50Z", "{\"likert\":-2}"),
            new Entry(10, "q2", "2026-06-15T08:59:55Z", "{\"cleared\":true}"));

    @Test
    void opensWhatThePageWroteWithEveryEntryAsRecorded() throws Exception {
        List<OfflineAnswer> answers = OfflineJournalFile.open(file(SESSION, ENTRIES, ENTRIES, KEY), SESSION, KEY);

        assertThat(answers).containsExactly(
                new OfflineAnswer("q1", 7, new Answer.Choices(List.of("B")), Instant.parse("2026-06-15T08:59:10.123Z")),
                new OfflineAnswer("q3", 8, new Answer.Text("acide acétylsalicylique"), Instant.parse("2026-06-15T08:59:30Z")),
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
        assertThat(vector.path("journalKey").asText()).isEqualTo(Base64.getEncoder().encodeToString(KEY));
        byte[] written = file(SESSION, ENTRIES, ENTRIES, KEY);
        assertThat(new String(written, StandardCharsets.UTF_8)).isEqualTo(vector.path("file").asText());
        assertThat(OfflineJournalFile.open(vector.path("file").asText().getBytes(StandardCharsets.UTF_8), SESSION, KEY))
                .hasSize(ENTRIES.size());
    }

    @Test
    void anEntryChangedAndReEncryptedWithoutItsMacIsTampered() throws Exception {
        List<Entry> changed = new ArrayList<>(ENTRIES);
        changed.set(1, new Entry(8, "q3", "2026-06-15T08:59:30Z", "{\"text\":\"aspirin\"}"));
        byte[] forged = file(SESSION, changed, ENTRIES, KEY);

        assertRefused(forged, "JOURNAL_TAMPERED", "entries[1] (save 8, question q3) does not verify");
    }

    @Test
    void aFileWhoseCiphertextWasTouchedOrThatAnotherSessionWroteIsRefused() throws Exception {
        byte[] file = file(SESSION, ENTRIES, ENTRIES, KEY);
        String text = new String(file, StandardCharsets.UTF_8);
        int at = text.indexOf("\"ciphertext\":\"") + 20;
        char flipped = text.charAt(at) == 'A' ? 'B' : 'A';
        byte[] touched = (text.substring(0, at) + flipped + text.substring(at + 1)).getBytes(StandardCharsets.UTF_8);
        assertRefused(touched, "JOURNAL_TAMPERED", "does not decrypt");

        byte[] otherKey = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
        assertRefused(file(SESSION, ENTRIES, ENTRIES, otherKey), "JOURNAL_TAMPERED", "does not decrypt");
        assertRefused(file("demo-2026:cand-002", ENTRIES, ENTRIES, KEY), "JOURNAL_UNREADABLE",
                "journal of session 'demo-2026:cand-002', not of demo-2026:cand-001");
    }

    @Test
    void refusesWhatIsNotAJournal() {
        assertRefused("not json".getBytes(StandardCharsets.UTF_8), "JOURNAL_UNREADABLE", "not JSON");
        assertRefused("{\"format\":\"amphi-exam/v1\"}".getBytes(StandardCharsets.UTF_8), "JOURNAL_UNREADABLE", "lacks");
        assertRefused(("{\"format\":\"amphi-offline-journal/v1\",\"sessionId\":\"" + SESSION + "\",\"createdAt\":\"x\","
                + "\"iv\":\"AAAA\",\"ciphertext\":\"AAAA\",\"extra\":1}").getBytes(StandardCharsets.UTF_8),
                "JOURNAL_UNREADABLE", "unknown member 'extra'");
        assertRefused(("{\"format\":\"amphi-offline-journal/v1\",\"sessionId\":\"" + SESSION + "\",\"createdAt\":\"x\","
                + "\"iv\":\"AAAA\",\"ciphertext\":\"AAAA\"}").getBytes(StandardCharsets.UTF_8),
                "JOURNAL_UNREADABLE", "iv is 3 bytes");
    }

    @Test
    void theUploadIdIsTheFilesSha256() {
        assertThat(OfflineJournalFile.uploadId("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    private static void assertRefused(byte[] file, String reason, String message) {
        assertThatThrownBy(() -> OfflineJournalFile.open(file, SESSION, KEY))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }

    /**
     * A journal file as the specification says a page writes it, but each entry's MAC computed over
     * {@code macced}: the same entries for a genuine file, the originals for a forger without the key.
     */
    private static byte[] file(String sessionId, List<Entry> entries, List<Entry> macced, byte[] key)
            throws GeneralSecurityException {
        byte[] macKey = hmac(key, "amphi-offline-journal-mac-v1".getBytes(StandardCharsets.UTF_8));
        StringBuilder json = new StringBuilder("{\"sessionId\":\"" + sessionId + "\",\"entries\":[");
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            Entry signedEntry = macced.get(i);
            String signed = String.join("\n", "amphi-offline-entry-v1", sessionId, Long.toString(signedEntry.saveNumber()),
                    signedEntry.questionId(), signedEntry.recordedAt(), signedEntry.answer());
            String mac = Base64.getEncoder().encodeToString(hmac(macKey, signed.getBytes(StandardCharsets.UTF_8)));
            json.append(i == 0 ? "" : ",").append("{\"saveNumber\":").append(entry.saveNumber())
                    .append(",\"questionId\":\"").append(entry.questionId())
                    .append("\",\"recordedAt\":\"").append(entry.recordedAt())
                    .append("\",\"answer\":").append(quoted(entry.answer()))
                    .append(",\"mac\":\"").append(mac).append("\"}");
        }
        json.append("]}");
        byte[] iv = new byte[12];
        iv[11] = 7;
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(hmac(key,
                "amphi-offline-journal-encryption-v1".getBytes(StandardCharsets.UTF_8)), "AES"), new GCMParameterSpec(128, iv));
        cipher.updateAAD(("amphi-offline-journal/v1\n" + sessionId).getBytes(StandardCharsets.UTF_8));
        byte[] ciphertext = cipher.doFinal(json.toString().getBytes(StandardCharsets.UTF_8));
        return ("{\"format\":\"amphi-offline-journal/v1\",\"sessionId\":\"" + sessionId
                + "\",\"createdAt\":\"2026-06-15T09:00:05.000Z\",\"iv\":\"" + Base64.getEncoder().encodeToString(iv)
                + "\",\"ciphertext\":\"" + Base64.getEncoder().encodeToString(ciphertext) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String quoted(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }
}
