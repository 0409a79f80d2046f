package io.amphi.platform.audit;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;

/**
 * The seal of a publication of results ("amphi-publication-v1", AUDIT-FORMAT.md): what comes
 * after the exam's seal (answer keys, corrections, results) fixed by one root, published like the
 * exam's. Each publication's root covers the previous one's, so the history of keys and results
 * is a chain of its own.
 */
public final class PublicationSeal {

    public static final String VERSION = "amphi-publication-v1";
    /** What the first publication of an exam follows. */
    public static final byte[] NO_PREVIOUS = new byte[32];

    private static final byte[] TAG = VERSION.getBytes(StandardCharsets.US_ASCII);

    /** One question's points in a result, a decimal with three digits after the point ("0.500"). */
    public record QuestionPoints(String questionId, String points) {}

    /**
     * One session's result as the platform recorded it: the key version and rule set it was
     * scored under, the last event it was scored from, its total and each question's points in
     * the exam's order.
     */
    public record ResultLine(
            String sessionId,
            int keyVersion,
            String ruleSet,
            long lastSequence,
            byte[] lastEventHash,
            String total,
            List<QuestionPoints> questions) {}

    /**
     * What a publication seals.
     *
     * @param number              1 for the first publication of the exam, then 2, 3, ...
     * @param previousRoot        the previous publication's root; {@link #NO_PREVIOUS} for the first
     * @param examRoot            the exam's seal root
     * @param scoringLastSequence the sequence number of the scoring stream's last event before the publication
     * @param scoringFinalHash    that event's chain hash
     */
    public record Publication(
            String examId,
            int number,
            byte[] previousRoot,
            byte[] examRoot,
            long scoringLastSequence,
            byte[] scoringFinalHash,
            int keyVersion,
            String ruleSet,
            int results,
            byte[] resultsRoot) {}

    private PublicationSeal() {}

    /** Points as a result line holds them: three digits after the point, never rounded here. */
    public static String points(BigDecimal value) {
        return value.setScale(3, RoundingMode.UNNECESSARY).toPlainString();
    }

    /** The root of the results tree: one leaf per result, sorted by session id. */
    public static byte[] resultsRoot(List<ResultLine> results) {
        return MerkleTree.rootOfSorted(results.stream()
                .sorted(Comparator.comparing(ResultLine::sessionId, MerkleTree.UTF8_ORDER))
                .map(PublicationSeal::resultLeaf)
                .toList());
    }

    /**
     * {@code SHA-256(0x00 ‖ F(sessionId) ‖ keyVersion (4) ‖ F(ruleSet) ‖ lastSequence (8) ‖
     * lastEventHash (32) ‖ F(total) ‖ count (4) ‖ F(questionId) ‖ F(points) ‖ ...)}.
     */
    public static byte[] resultLeaf(ResultLine result) {
        MessageDigest sha256 = EventHashes.sha256();
        sha256.update((byte) 0);
        EventHashes.field(sha256, result.sessionId());
        sha256.update(ByteBuffer.allocate(4).putInt(result.keyVersion()).array());
        EventHashes.field(sha256, result.ruleSet());
        sha256.update(ByteBuffer.allocate(8).putLong(result.lastSequence()).array());
        sha256.update(result.lastEventHash());
        EventHashes.field(sha256, result.total());
        sha256.update(ByteBuffer.allocate(4).putInt(result.questions().size()).array());
        for (QuestionPoints question : result.questions()) {
            EventHashes.field(sha256, question.questionId());
            EventHashes.field(sha256, question.points());
        }
        return sha256.digest();
    }

    /**
     * {@code SHA-256("amphi-publication-v1" ‖ F(examId) ‖ number (4) ‖ previousRoot ‖ examRoot ‖
     * scoringLastSequence (8) ‖ scoringFinalHash ‖ keyVersion (4) ‖ F(ruleSet) ‖ results (4) ‖
     * resultsRoot)}.
     */
    public static byte[] root(Publication publication) {
        MessageDigest sha256 = EventHashes.sha256();
        sha256.update(TAG);
        EventHashes.field(sha256, publication.examId());
        sha256.update(ByteBuffer.allocate(4).putInt(publication.number()).array());
        sha256.update(publication.previousRoot());
        sha256.update(publication.examRoot());
        sha256.update(ByteBuffer.allocate(8)
                .putLong(publication.scoringLastSequence())
                .array());
        sha256.update(publication.scoringFinalHash());
        sha256.update(ByteBuffer.allocate(4).putInt(publication.keyVersion()).array());
        EventHashes.field(sha256, publication.ruleSet());
        sha256.update(ByteBuffer.allocate(4).putInt(publication.results()).array());
        sha256.update(publication.resultsRoot());
        return sha256.digest();
    }
}
