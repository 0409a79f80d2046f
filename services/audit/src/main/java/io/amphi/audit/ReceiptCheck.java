package io.amphi.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.amphi.platform.audit.AuditJson;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.InclusionProof;
import io.amphi.platform.audit.SubmissionReceipt;
import io.amphi.platform.domain.Inputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A candidate's receipt checked against the session's inclusion proof and the exam root published
 * at sealing (AUDIT-FORMAT.md, "Receipts"): the platform signed it, it names the sealed state of
 * the session, and the proof leads from that state to the published root.
 */
final class ReceiptCheck {

    static final String RECEIPT_FORMAT = "amphi-receipt/v1";
    static final String PROOF_FORMAT = "amphi-inclusion-proof/v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One thing that does not hold, by its code. */
    record Finding(String problem, String detail) {}

    private ReceiptCheck() {}

    static List<Finding> check(SubmissionReceipt receipt, InclusionProof proof, String expectedRoot, byte[] publicKey) {
        List<Finding> findings = new ArrayList<>();
        if (!receipt.keyId().equals(SubmissionReceipt.keyId(publicKey))) {
            findings.add(new Finding(
                    "RECEIPT_SIGNATURE",
                    "the receipt names key " + Inputs.quote(receipt.keyId()) + ", the public key given is "
                            + SubmissionReceipt.keyId(publicKey)));
        } else if (!receipt.verify(publicKey)) {
            findings.add(new Finding(
                    "RECEIPT_SIGNATURE", "the signature is not key " + receipt.keyId() + "'s over this receipt"));
        }
        if (!receipt.sessionId().equals(proof.sessionId())
                || receipt.lastSequence() != proof.lastSequence()
                || !receipt.finalHash().equals(proof.finalHash())) {
            findings.add(new Finding(
                    "RECEIPT_NOT_SEALED",
                    "the receipt names %s up to event %d (hash %s); the seal holds %s up to event %d (hash %s)"
                            .formatted(
                                    receipt.sessionId(),
                                    receipt.lastSequence(),
                                    receipt.finalHash(),
                                    proof.sessionId(),
                                    proof.lastSequence(),
                                    proof.finalHash())));
        }
        byte[] reached = proof.root();
        if (reached == null || !EventHashes.hex(reached).equals(proof.examRoot())) {
            findings.add(new Finding(
                    "PROOF_INVALID",
                    "the audit path leads to " + (reached == null ? "no root" : EventHashes.hex(reached))
                            + ", the proof claims " + proof.examRoot()));
        }
        if (!proof.examRoot().equalsIgnoreCase(expectedRoot)) {
            findings.add(new Finding(
                    "NOT_THE_PUBLISHED_SEAL",
                    "the proof's root is " + proof.examRoot() + ", the published root is " + expectedRoot));
        }
        return findings;
    }

    static ObjectNode receiptJson(SubmissionReceipt receipt) {
        return JSON.createObjectNode()
                .put("format", RECEIPT_FORMAT)
                .put("sessionId", receipt.sessionId())
                .put("lastSequence", receipt.lastSequence())
                .put("finalHash", receipt.finalHash())
                .put("submittedAt", receipt.submittedAt())
                .put("keyId", receipt.keyId())
                .put("signature", Base64.getEncoder().encodeToString(receipt.signature()));
    }

    static ObjectNode proofJson(InclusionProof proof) {
        ObjectNode json = JSON.createObjectNode()
                .put("format", PROOF_FORMAT)
                .put("examId", proof.examId())
                .put("sessionId", proof.sessionId())
                .put("lastSequence", proof.lastSequence())
                .put("finalHash", proof.finalHash())
                .put("leafIndex", proof.leafIndex())
                .put("treeSize", proof.treeSize());
        proof.auditPath().forEach(json.putArray("auditPath")::add);
        if (proof.auditPath().isEmpty()) {
            json.putArray("auditPath");
        }
        return json.put("examRoot", proof.examRoot());
    }

    static SubmissionReceipt readReceipt(Path file) throws IOException {
        JsonNode json = read(file, RECEIPT_FORMAT);
        return new SubmissionReceipt(
                text(json, "sessionId", file),
                whole(json, "lastSequence", file),
                hash(json, "finalHash", file),
                text(json, "submittedAt", file),
                text(json, "keyId", file),
                base64(json, "signature", file));
    }

    static InclusionProof readProof(Path file) throws IOException {
        JsonNode json = read(file, PROOF_FORMAT);
        JsonNode path = json.get("auditPath");
        if (path == null || !path.isArray()) {
            throw new IllegalArgumentException(file + ": \"auditPath\" must be a list of hashes.");
        }
        List<String> siblings = new ArrayList<>();
        path.forEach(sibling -> {
            if (!sibling.isTextual() || !EventHashes.isHash(sibling.textValue())) {
                throw new IllegalArgumentException(file + ": every hash of \"auditPath\" is 64 lowercase hex digits.");
            }
            siblings.add(sibling.textValue());
        });
        long leafIndex = whole(json, "leafIndex", file);
        long treeSize = whole(json, "treeSize", file);
        if (treeSize > Integer.MAX_VALUE || leafIndex >= treeSize) {
            throw new IllegalArgumentException(file + ": \"leafIndex\" must be below \"treeSize\" (at most 2^31-1).");
        }
        return new InclusionProof(
                text(json, "examId", file),
                text(json, "sessionId", file),
                whole(json, "lastSequence", file),
                hash(json, "finalHash", file),
                (int) leafIndex,
                (int) treeSize,
                siblings,
                hash(json, "examRoot", file));
    }

    static byte[] publicKey(String hex) {
        if (hex == null || !hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("--public-key takes the 32-byte Ed25519 key as 64 hex digits.");
        }
        return HexFormat.of().parseHex(hex);
    }

    private static JsonNode read(Path file, String format) throws IOException {
        JsonNode json = AuditJson.parse(Files.readAllBytes(file))
                .orElseThrow(() -> new IllegalArgumentException(
                        file + " is not JSON as AUDIT-FORMAT.md reads it (strict UTF-8)."));
        if (!format.equals(json.path("format").textValue())) {
            throw new IllegalArgumentException(file + " is not an " + format + " file (its \"format\" must say so).");
        }
        return json;
    }

    private static String text(JsonNode json, String field, Path file) {
        if (!json.path(field).isTextual()) {
            throw new IllegalArgumentException(file + ": \"" + field + "\" must be a string.");
        }
        return json.get(field).textValue();
    }

    private static String hash(JsonNode json, String field, Path file) {
        String value = text(json, field, file);
        if (!EventHashes.isHash(value)) {
            throw new IllegalArgumentException(file + ": \"" + field + "\" must be 64 lowercase hex digits.");
        }
        return value;
    }

    private static long whole(JsonNode json, String field, Path file) {
        JsonNode value = json.get(field);
        if (!AuditJson.isWhole(value)) {
            throw new IllegalArgumentException(file + ": \"" + field + "\" must be a whole number from 0.");
        }
        return value.longValue();
    }

    private static byte[] base64(JsonNode json, String field, Path file) {
        String value = text(json, field, file);
        if (!LogFile.BASE64.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    file + ": \"" + field + "\" must be padded base64 (RFC 4648, section 4).");
        }
        return Base64.getDecoder().decode(value);
    }
}
