package io.amphi.delivery.offline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.delivery.api.Answer;
import io.amphi.delivery.api.Events.OfflineAnswer;
import io.amphi.delivery.domain.AnswerSheet;
import io.amphi.delivery.domain.ExamSession;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Inputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens the offline journal a candidate's page downloads when the time runs out while it is
 * offline (format {@code amphi-offline-journal/v1}, AUDIT-FORMAT.md section 10): AES-256-GCM over
 * the entries, each entry carrying an HMAC-SHA256 under the session's journal key. A file that is
 * not one, not this session's, or whose entries do not all verify is refused whole.
 */
public final class OfflineJournalFile {

    public static final String FORMAT = "amphi-offline-journal/v1";
    /** Within gRPC's 4 MiB message, with room for the rest of the request. */
    public static final int MAX_BYTES = 4 * 1024 * 1024 - 1024;

    private static final String HMAC = "HmacSHA256";
    private static final String ENCRYPTION_LABEL = "amphi-offline-journal-encryption-v1";
    private static final String MAC_LABEL = "amphi-offline-journal-mac-v1";
    private static final String ENTRY_LABEL = "amphi-offline-entry-v1";
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("2200-01-01T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private OfflineJournalFile() {}

    /**
     * An opened journal: its entries, each one's MAC verified, and its identity, the SHA-256 (hex)
     * of what the page encrypted (format, session, iv, ciphertext), so the same journal is the same
     * upload however its file was re-spaced or re-encoded on the way.
     */
    public record Opened(String uploadId, List<OfflineAnswer> entries) {}

    /** @param sessionKey the session's journal key ({@link OfflineJournalKeys#sessionKey}) */
    public static Opened open(byte[] file, String sessionId, byte[] sessionKey) {
        JsonNode outer = read(file, "The file");
        requireMembers(outer, "The file", Set.of("format", "sessionId", "createdAt", "iv", "ciphertext"));
        if (!FORMAT.equals(outer.path("format").asText(null))) {
            throw unreadable("The file is not an offline journal: its format is not " + FORMAT + ".");
        }
        if (!sessionId.equals(outer.path("sessionId").asText(null))) {
            throw unreadable("The file is the journal of session %s, not of %s."
                    .formatted(Inputs.quote(outer.path("sessionId").asText("?")), sessionId));
        }
        instant(text(outer, "createdAt", "The file"), "The file's createdAt");
        byte[] iv = base64(outer.path("iv"), "iv");
        byte[] ciphertext = base64(outer.path("ciphertext"), "ciphertext");
        if (iv.length != 12) {
            throw unreadable("The file's iv is %d bytes long; AES-GCM here takes 12.".formatted(iv.length));
        }
        byte[] plaintext;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(derive(sessionKey, ENCRYPTION_LABEL), "AES"),
                    new GCMParameterSpec(128, iv));
            cipher.updateAAD((FORMAT + "\n" + sessionId).getBytes(StandardCharsets.UTF_8));
            plaintext = cipher.doFinal(ciphertext);
        } catch (AEADBadTagException e) {
            throw DomainException.invalid(
                    "JOURNAL_TAMPERED",
                    "The journal of session %s does not decrypt with its key: ".formatted(sessionId)
                            + "it was changed after the page wrote it, or a page of another session wrote it.");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every JDK decrypts AES-GCM", e);
        }
        JsonNode journal = read(plaintext, "The decrypted journal");
        requireMembers(journal, "The decrypted journal", Set.of("sessionId", "entries"));
        if (!sessionId.equals(journal.path("sessionId").asText(null))) {
            throw DomainException.invalid(
                    "JOURNAL_TAMPERED", "The decrypted journal names another session than " + sessionId + ".");
        }
        JsonNode entries = journal.path("entries");
        if (!entries.isArray() || entries.size() > ExamSession.MAX_JOURNAL_ENTRIES) {
            throw unreadable("The journal's entries must be a list of at most %d; got %s."
                    .formatted(
                            ExamSession.MAX_JOURNAL_ENTRIES,
                            entries.isArray() ? entries.size() + " entries" : entries.getNodeType()));
        }
        byte[] macKey = derive(sessionKey, MAC_LABEL);
        List<OfflineAnswer> answers = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            answers.add(entry(entries.get(i), "entries[" + i + "]", sessionId, macKey));
        }
        return new Opened(uploadId(sessionId, iv, ciphertext), answers);
    }

    private static String uploadId(String sessionId, byte[] iv, byte[] ciphertext) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update((FORMAT + "\n" + sessionId + "\n").getBytes(StandardCharsets.UTF_8));
            sha256.update(iv);
            return HexFormat.of().formatHex(sha256.digest(ciphertext));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every JDK computes SHA-256", e);
        }
    }

    private static OfflineAnswer entry(JsonNode entry, String where, String sessionId, byte[] macKey) {
        requireMembers(entry, where, Set.of("saveNumber", "questionId", "recordedAt", "answer", "mac"));
        JsonNode number = entry.path("saveNumber");
        if (!number.canConvertToExactIntegral()
                || !number.canConvertToLong()
                || number.asLong() < 1
                || number.asLong() > AnswerSheet.MAX_SAVE_NUMBER) {
            throw unreadable(
                    "%s.saveNumber must be a whole number from 1 to %d.".formatted(where, AnswerSheet.MAX_SAVE_NUMBER));
        }
        String questionId = Inputs.id(text(entry, "questionId", where), where + ".questionId");
        String recordedAt = text(entry, "recordedAt", where);
        Instant at = instant(recordedAt, where + ".recordedAt");
        String answerJson = text(entry, "answer", where);
        byte[] mac = base64(entry.path("mac"), where + ".mac");
        String signed = String.join(
                "\n", ENTRY_LABEL, sessionId, Long.toString(number.asLong()), questionId, recordedAt, answerJson);
        if (!MessageDigest.isEqual(mac, hmac(macKey, signed.getBytes(StandardCharsets.UTF_8)))) {
            throw DomainException.invalid(
                    "JOURNAL_TAMPERED",
                    ("%s (save %d, question %s) does not verify with session %s's "
                                    + "journal key: it was changed after the page wrote it. Nothing of the file was taken.")
                            .formatted(where, number.asLong(), questionId, sessionId));
        }
        return new OfflineAnswer(questionId, number.asLong(), answer(answerJson, where + ".answer"), at);
    }

    private static Instant instant(String text, String where) {
        Instant at;
        try {
            at = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw unreadable("%s is not an ISO-8601 instant: %s.".formatted(where, Inputs.quote(text)));
        }
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            throw unreadable("%s (%s) is out of range.".formatted(where, at));
        }
        return at;
    }

    /** An answer as the page sends it to the REST API: exactly one of choices, text, likert or cleared (true). */
    private static Answer answer(String json, String where) {
        JsonNode answer = read(json.getBytes(StandardCharsets.UTF_8), where);
        if (!answer.isObject() || answer.size() != 1) {
            throw unreadable(where + " must have exactly one of choices, text, likert or cleared.");
        }
        String kind = answer.fieldNames().next();
        JsonNode value = answer.get(kind);
        switch (kind) {
            case "choices" -> {
                if (!value.isArray() || value.size() > 100) {
                    throw unreadable(where + ".choices must be a list of at most 100 option ids.");
                }
                List<String> options = new ArrayList<>();
                for (Iterator<JsonNode> ids = value.elements(); ids.hasNext(); ) {
                    JsonNode id = ids.next();
                    options.add(Inputs.id(id.isTextual() ? id.asText() : "", where + ".choices"));
                }
                return new Answer.Choices(options);
            }
            case "text" -> {
                if (!value.isTextual() || value.asText().length() > 10_000) {
                    throw unreadable(where + ".text must be a text of at most 10,000 characters.");
                }
                return new Answer.Text(value.asText());
            }
            case "likert" -> {
                if (!value.isInt() || value.asInt() < -2 || value.asInt() > 2) {
                    throw unreadable(where + ".likert must be a whole number from -2 to 2.");
                }
                return new Answer.Likert(value.asInt());
            }
            case "cleared" -> {
                if (!value.isBoolean() || !value.asBoolean()) {
                    throw unreadable(where + ".cleared must be true.");
                }
                return new Answer.Cleared();
            }
            default ->
                throw unreadable("%s has %s; an answer has choices, text, likert or cleared."
                        .formatted(where, Inputs.quote(kind)));
        }
    }

    private static JsonNode read(byte[] json, String what) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw unreadable(what + " is not a JSON object.");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw unreadable(
                    e.getLocation() == null
                            ? what + " is not JSON."
                            : "%s is not JSON (line %d, column %d)."
                                    .formatted(
                                            what,
                                            e.getLocation().getLineNr(),
                                            e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new UncheckedIOException("Reading bytes in memory failed", e);
        }
    }

    private static void requireMembers(JsonNode node, String where, Set<String> members) {
        if (!node.isObject()) {
            throw unreadable(where + " must be a JSON object.");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!members.contains(name)) {
                throw unreadable("%s has an unknown member %s.".formatted(where, Inputs.quote(name)));
            }
        }
        for (String member : members) {
            if (!node.has(member)) {
                throw unreadable("%s lacks %s.".formatted(where, member));
            }
        }
    }

    private static String text(JsonNode node, String member, String where) {
        JsonNode value = node.get(member);
        if (!value.isTextual()) {
            throw unreadable("%s.%s must be a text.".formatted(where, member));
        }
        return value.asText();
    }

    /** Standard base64 as the page writes it, padded, nothing else: another spelling of the same bytes is refused. */
    private static byte[] base64(JsonNode value, String where) {
        try {
            if (value.isTextual()) {
                byte[] bytes = Base64.getDecoder().decode(value.asText());
                if (Base64.getEncoder().encodeToString(bytes).equals(value.asText())) {
                    return bytes;
                }
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw unreadable(where + " must be standard, padded base64.");
    }

    private static byte[] derive(byte[] sessionKey, String label) {
        return hmac(sessionKey, label.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every JDK computes HMAC-SHA256", e);
        }
    }

    private static DomainException unreadable(String message) {
        return DomainException.invalid("JOURNAL_UNREADABLE", message);
    }
}
