package io.amphi.platform.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain of an aggregate's events, version 1 (documented in AUDIT-FORMAT.md).
 *
 * <p>{@code hash(n) = SHA-256("amphi-event-v1" ‖ hash(n-1) ‖ field ‖ field ‖ ...)} over the event's
 * stored columns in a fixed order (event id, aggregate id, sequence number in decimal, aggregate
 * type, timestamp text, payload type, payload revision, payload bytes, metadata bytes), each
 * field preceded by its length as a 4-byte big-endian integer ({@code -1} for a null). The
 * metadata holds {@value #PREVIOUS_HASH} (hex), so each event also carries its predecessor's hash.
 * The first event of an aggregate follows {@link #GENESIS}, 32 zero bytes.
 */
public final class EventHashes {

    /** The metadata key under which each event carries the hash of the previous event, in hex. */
    public static final String PREVIOUS_HASH = "previousHash";
    /** What the first event of every aggregate follows. */
    public static final byte[] GENESIS = new byte[32];

    public static final String VERSION = "amphi-event-v1";

    private static final byte[] TAG = VERSION.getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();

    private EventHashes() {}

    /** The hash of {@code event} following {@code previous}. */
    public static byte[] hash(byte[] previous, StoredEvent event) {
        return sha256().digest(input(previous, event));
    }

    /** The bytes the hash is taken over, as AUDIT-FORMAT.md spells them out (the test vectors show them). */
    public static byte[] input(byte[] previous, StoredEvent event) {
        ByteArrayOutputStream input = new ByteArrayOutputStream(
                256 + event.payload().length + (event.metaData() == null ? 0 : event.metaData().length));
        input.writeBytes(TAG);
        input.writeBytes(previous);
        field(input, event.eventIdentifier());
        field(input, event.aggregateIdentifier());
        field(input, Long.toString(event.sequenceNumber()));
        field(input, event.type());
        field(input, event.timestamp());
        field(input, event.payloadType());
        field(input, event.payloadRevision());
        field(input, event.payload());
        field(input, event.metaData());
        return input.toByteArray();
    }

    public static String hex(byte[] hash) {
        return hash == null ? "none" : HEX.formatHex(hash);
    }

    /** Whether the text is a hash as AUDIT-FORMAT.md writes one: 64 lowercase hex digits. */
    public static boolean isHash(String text) {
        return text != null
                && text.length() == 64
                && text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    public static byte[] fromHex(String hex) {
        return HEX.parseHex(hex);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    /** {@code F(x)}: the length of x's UTF-8 bytes as a 4-byte big-endian integer ({@code -1} for null), then the bytes. */
    static void field(MessageDigest digest, String value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        field(bytes, value);
        digest.update(bytes.toByteArray());
    }

    static void field(ByteArrayOutputStream out, String value) {
        field(out, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static void field(ByteArrayOutputStream out, byte[] value) {
        out.writeBytes(
                ByteBuffer.allocate(4).putInt(value == null ? -1 : value.length).array());
        if (value != null) {
            out.writeBytes(value);
        }
    }
}
