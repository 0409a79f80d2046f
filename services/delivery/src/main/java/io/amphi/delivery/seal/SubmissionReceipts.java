package io.amphi.delivery.seal;

import io.amphi.delivery.api.Events.ExamSealed;
import io.amphi.delivery.api.Events.SessionSubmitted;
import io.amphi.platform.audit.ChainVerifier;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.InclusionProof;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.platform.audit.SubmissionReceipt;
import io.amphi.platform.db.EventStoreReader;
import io.amphi.platform.domain.DomainException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Receipts for submissions and proofs of their inclusion in the sealed exam. This replica signs
 * with an Ed25519 key it made at start-up; only the public half is stored (delivery_receipt_key)
 * and published, so no key material can be read from the database.
 */
public class SubmissionReceipts {

    /** A key receipts were signed with, as published. */
    public record PublishedKey(String keyId, String algorithm, byte[] publicKey, Instant createdAt) {}

    private static final String SUBMITTED = SessionSubmitted.class.getName();
    private static final String SEALED = ExamSealed.class.getName();
    private static final String ALGORITHM = "Ed25519";
    private static final int SEALS_KEPT = 8;

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final KeyPair key;
    private final String keyId;
    /** The seals proofs were asked of lately: a national exam's seal is read once, not once per candidate. */
    private final Map<String, InclusionProof.SealedTree> sealedTrees =
            Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, InclusionProof.SealedTree> eldest) {
                    return size() > SEALS_KEPT;
                }
            });

    public SubmissionReceipts(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        try {
            this.key = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every JDK from 15 on makes Ed25519 keys", e);
        }
        byte[] publicKey = SubmissionReceipt.rawPublicKey(key.getPublic());
        this.keyId = SubmissionReceipt.keyId(publicKey);
        jdbc.update("""
                INSERT INTO delivery_receipt_key (key_id, algorithm, public_key, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (key_id) DO NOTHING""", keyId, ALGORITHM, publicKey, Timestamp.from(clock.instant()));
    }

    /**
     * The signed receipt of a submitted session, once its whole chain is recomputed: a receipt
     * never vouches for a log that does not verify. It covers the log as it stands, so after an
     * offline journal was uploaded or decided the candidate gets a new one (the seal matches only
     * the last). FAILED_PRECONDITION while it is not submitted or when its chain does not hold.
     */
    public SubmissionReceipt issue(String sessionId) {
        List<StoredEvent> events = read(reader -> reader.aggregate(sessionId));
        StoredEvent submission = events.stream()
                .filter(event -> SUBMITTED.equals(event.payloadType()))
                .findFirst()
                .orElse(null);
        if (submission == null) {
            throw DomainException.precondition(
                    "NOT_SUBMITTED", "Session " + sessionId + " is not submitted: a receipt is given at submission.");
        }
        ChainVerifier.verify(sessionId, events).finding().ifPresent(finding -> {
            throw DomainException.precondition(
                    "LOG_DAMAGED",
                    "The log of session %s does not verify (%s): no receipt ".formatted(sessionId, finding.describe())
                            + "is given for it.");
        });
        StoredEvent last = events.getLast();
        String submittedAt = submission.payloadJson().path("submittedAt").asText();
        return SubmissionReceipt.sign(
                sessionId,
                last.sequenceNumber(),
                EventHashes.hex(last.chainHash()),
                submittedAt,
                keyId,
                key.getPrivate());
    }

    /** Every key receipts were signed with, oldest first. */
    public List<PublishedKey> keys() {
        return jdbc.query(
                "SELECT key_id, algorithm, public_key, created_at FROM delivery_receipt_key ORDER BY created_at, key_id",
                (rs, row) -> new PublishedKey(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getBytes(3),
                        rs.getTimestamp(4).toInstant()));
    }

    /** The session's inclusion proof in its exam's seal; each exam's seal is read and hashed once. */
    public InclusionProof prove(String examId, String sessionId) {
        InclusionProof.SealedTree tree = sealedTrees.get(examId);
        if (tree == null) {
            tree = sealedTree(examId);
            sealedTrees.put(examId, tree);
        }
        return tree.prove(examId, sessionId)
                .orElseThrow(() -> DomainException.notFound(
                        "NOT_IN_SEAL",
                        "The seal of exam %s lists no session %s (was it started?).".formatted(examId, sessionId)));
    }

    private InclusionProof.SealedTree sealedTree(String examId) {
        StoredEvent seal = read(reader -> reader.aggregate(examId)).stream()
                .filter(event -> SEALED.equals(event.payloadType()))
                .findFirst()
                .orElseThrow(() -> DomainException.precondition(
                        "NOT_SEALED", "Exam " + examId + " is not sealed yet: a proof exists once it is closed."));
        return InclusionProof.SealedTree.ofSeal(seal.payloadJson());
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
}
