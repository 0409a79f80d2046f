package io.amphi.delivery.seal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.delivery.api.Events.ExamSealed;
import io.amphi.delivery.api.Events.SessionSubmitted;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.EventStoreReader;
import io.amphi.platform.audit.InclusionProof;
import io.amphi.platform.audit.MerkleTree;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.platform.audit.SubmissionReceipt;
import io.amphi.platform.domain.DomainException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Receipts for submissions and proofs of their inclusion in the sealed exam. This replica signs
 * with an Ed25519 key it made at start-up; only the public half is stored (delivery_receipt_key)
 * and published, so no key material can be read from the database.
 */
public class SubmissionReceipts {

    /** A key receipts were signed with, as published. */
    public record PublishedKey(String keyId, String algorithm, byte[] publicKey, Instant createdAt) {
    }

    private static final String SUBMITTED = SessionSubmitted.class.getName();
    private static final String SEALED = ExamSealed.class.getName();
    private static final String ALGORITHM = "Ed25519";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final KeyPair key;
    private final String keyId;

    public SubmissionReceipts(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        try {
            this.key = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every JDK from 15 on makes Ed25519 keys", e);
        }
        byte[] publicKey = SubmissionReceipt.rawPublicKey(key.getPublic());
        this.keyId = "receipt-" + EventHashes.hex(sha256(publicKey)).substring(0, 16);
        jdbc.update("""
                INSERT INTO delivery_receipt_key (key_id, algorithm, public_key, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (key_id) DO NOTHING""", keyId, ALGORITHM, publicKey, Timestamp.from(clock.instant()));
    }

    /** The signed receipt of a submitted session; FAILED_PRECONDITION while it is not submitted. */
    public SubmissionReceipt issue(String sessionId) {
        StoredEvent last = read(reader -> reader.last(sessionId)).filter(event -> SUBMITTED.equals(event.payloadType()))
                .orElseThrow(() -> DomainException.precondition("NOT_SUBMITTED",
                        "Session " + sessionId + " is not submitted: a receipt is given at submission."));
        if (last.chainHash() == null) {
            throw DomainException.precondition("UNCHAINED", "Session " + sessionId + " was submitted before receipts "
                    + "existed; its events carry no chain hash to sign.");
        }
        String submittedAt = json(last).path("submittedAt").asText();
        return SubmissionReceipt.sign(sessionId, last.sequenceNumber(), EventHashes.hex(last.chainHash()), submittedAt,
                keyId, key.getPrivate());
    }

    /** Every key receipts were signed with, oldest first. */
    public List<PublishedKey> keys() {
        return jdbc.query("SELECT key_id, algorithm, public_key, created_at FROM delivery_receipt_key ORDER BY created_at, key_id",
                (rs, row) -> new PublishedKey(rs.getString(1), rs.getString(2), rs.getBytes(3),
                        rs.getTimestamp(4).toInstant()));
    }

    /** The session's inclusion proof in its exam's seal. */
    public InclusionProof prove(String examId, String sessionId) {
        StoredEvent seal = read(reader -> reader.aggregate(examId)).stream()
                .filter(event -> SEALED.equals(event.payloadType())).findFirst()
                .orElseThrow(() -> DomainException.precondition("NOT_SEALED",
                        "Exam " + examId + " is not sealed yet: a proof exists once it is closed."));
        JsonNode sealed = json(seal);
        List<MerkleTree.Leaf> leaves = new ArrayList<>();
        sealed.path("sessions").forEach(session -> leaves.add(new MerkleTree.Leaf(session.path("sessionId").asText(),
                session.path("lastSequence").asLong(), EventHashes.fromHex(session.path("finalHash").asText()))));
        return InclusionProof.of(examId, sealed.path("merkleRoot").asText(), leaves, sessionId).orElseThrow(() ->
                DomainException.notFound("NOT_IN_SEAL", "The seal of exam %s lists no session %s (was it started?)."
                        .formatted(examId, sessionId)));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    private interface Read<T> {
        T from(EventStoreReader reader) throws SQLException;
    }

    private <T> T read(Read<T> read) {
        try (Connection connection = dataSource.getConnection()) {
            T result = read.from(new EventStoreReader(connection));
            connection.rollback();
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the event log", e);
        }
    }

    private static JsonNode json(StoredEvent event) {
        try {
            return JSON.readTree(event.payload());
        } catch (IOException e) {
            throw new IllegalStateException("Event %d of %s is not JSON".formatted(event.sequenceNumber(),
                    event.aggregateIdentifier()), e);
        }
    }
}
