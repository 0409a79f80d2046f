package io.amphi.platform.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a candidate receives when their session is handed in ("amphi-receipt-v1", AUDIT-FORMAT.md):
 * the session's last event, its chain hash and when it counts as submitted, signed with Ed25519
 * by a key the platform publishes. With the exam root published at sealing and the session's
 * inclusion proof, anyone can check that the sealed exam holds the submission unchanged.
 *
 * @param finalHash   the chain hash of the session's last event (hex)
 * @param submittedAt the {@code submittedAt} of its SessionSubmitted event, as stored
 */
public record SubmissionReceipt(
        String sessionId, long lastSequence, String finalHash, String submittedAt, String keyId, byte[] signature) {

    public static final String VERSION = "amphi-receipt-v1";
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410) before the 32 raw key bytes. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    /** {@code "amphi-receipt-v1" ‖ F(keyId) ‖ F(sessionId) ‖ i64(lastSequence) ‖ finalHash (32) ‖ F(submittedAt)}. */
    public static byte[] signedBytes(
            String keyId, String sessionId, long lastSequence, String finalHash, String submittedAt) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(VERSION.getBytes(StandardCharsets.US_ASCII));
        EventHashes.field(bytes, keyId);
        EventHashes.field(bytes, sessionId);
        bytes.writeBytes(ByteBuffer.allocate(8).putLong(lastSequence).array());
        bytes.writeBytes(EventHashes.fromHex(finalHash));
        EventHashes.field(bytes, submittedAt);
        return bytes.toByteArray();
    }

    /** Signs a receipt with a replica's Ed25519 key. */
    public static SubmissionReceipt sign(
            String sessionId, long lastSequence, String finalHash, String submittedAt, String keyId, PrivateKey key) {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(key);
            ed25519.update(signedBytes(keyId, sessionId, lastSequence, finalHash, submittedAt));
            return new SubmissionReceipt(sessionId, lastSequence, finalHash, submittedAt, keyId, ed25519.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every JDK from 15 on signs with Ed25519", e);
        }
    }

    /** Whether the signature is the one {@code rawPublicKey} (32 bytes) gives this receipt. */
    public boolean verify(byte[] rawPublicKey) {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(publicKey(rawPublicKey));
            ed25519.update(signedBytes(keyId, sessionId, lastSequence, finalHash, submittedAt));
            return ed25519.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** A key's id: "receipt-" and the first 16 hex digits of the SHA-256 of its 32 bytes, so an id names one key. */
    public static String keyId(byte[] rawPublicKey) {
        return "receipt-"
                + EventHashes.hex(EventHashes.sha256().digest(rawPublicKey)).substring(0, 16);
    }

    /** The 32 bytes RFC 8032 calls the public key. */
    public static byte[] rawPublicKey(PublicKey key) {
        byte[] encoded = key.getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
        if (raw.length != 32) {
            throw new IllegalArgumentException("An Ed25519 public key is 32 bytes, not " + raw.length);
        }
        byte[] encoded = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
        System.arraycopy(raw, 0, encoded, SPKI_PREFIX.length, 32);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SubmissionReceipt r
                && lastSequence == r.lastSequence
                && sessionId.equals(r.sessionId)
                && finalHash.equals(r.finalHash)
                && submittedAt.equals(r.submittedAt)
                && keyId.equals(r.keyId)
                && Arrays.equals(signature, r.signature);
    }

    @Override
    public int hashCode() {
        return sessionId.hashCode() * 31 + Arrays.hashCode(signature);
    }
}
