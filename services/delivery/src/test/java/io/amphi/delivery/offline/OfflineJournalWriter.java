package io.amphi.delivery.offline;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes offline journal files from AUDIT-FORMAT.md section 10 alone, as a second writer beside the
 * page's code (both must produce the specification's vector): what tests give delivery to open.
 */
public final class OfflineJournalWriter {

    /** One entry as the page keeps it: {@code answer} is the JSON text the REST API takes. */
    public record Entry(long saveNumber, String questionId, String recordedAt, String answer) {}

    private OfflineJournalWriter() {}

    /** A genuine journal file of these entries under the session's key. */
    public static byte[] file(String sessionId, List<Entry> entries, byte[] key) throws GeneralSecurityException {
        return file(sessionId, entries, entries, key);
    }

    /**
     * A journal file as the specification says a page writes it, but each entry's MAC computed over
     * {@code macced}: the same entries for a genuine file, the originals for a forger without the key.
     */
    public static byte[] file(String sessionId, List<Entry> entries, List<Entry> macced, byte[] key)
            throws GeneralSecurityException {
        byte[] macKey = hmac(key, "amphi-offline-journal-mac-v1".getBytes(StandardCharsets.UTF_8));
        StringBuilder json = new StringBuilder("{\"sessionId\":\"" + sessionId + "\",\"entries\":[");
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            Entry signedEntry = macced.get(i);
            String signed = String.join(
                    "\n",
                    "amphi-offline-entry-v1",
                    sessionId,
                    Long.toString(signedEntry.saveNumber()),
                    signedEntry.questionId(),
                    signedEntry.recordedAt(),
                    signedEntry.answer());
            String mac = Base64.getEncoder().encodeToString(hmac(macKey, signed.getBytes(StandardCharsets.UTF_8)));
            json.append(i == 0 ? "" : ",")
                    .append("{\"saveNumber\":")
                    .append(entry.saveNumber())
                    .append(",\"questionId\":\"")
                    .append(entry.questionId())
                    .append("\",\"recordedAt\":\"")
                    .append(entry.recordedAt())
                    .append("\",\"answer\":")
                    .append(quoted(entry.answer()))
                    .append(",\"mac\":\"")
                    .append(mac)
                    .append("\"}");
        }
        json.append("]}");
        byte[] iv = new byte[12];
        iv[11] = 7;
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(
                Cipher.ENCRYPT_MODE,
                new SecretKeySpec(
                        hmac(key, "amphi-offline-journal-encryption-v1".getBytes(StandardCharsets.UTF_8)), "AES"),
                new GCMParameterSpec(128, iv));
        cipher.updateAAD(("amphi-offline-journal/v1\n" + sessionId).getBytes(StandardCharsets.UTF_8));
        byte[] ciphertext = cipher.doFinal(json.toString().getBytes(StandardCharsets.UTF_8));
        return ("{\"format\":\"amphi-offline-journal/v1\",\"sessionId\":\"" + sessionId
                        + "\",\"createdAt\":\"2026-06-15T09:00:05.000Z\",\"iv\":\""
                        + Base64.getEncoder().encodeToString(iv)
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
