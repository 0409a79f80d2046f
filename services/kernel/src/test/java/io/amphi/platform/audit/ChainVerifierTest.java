package io.amphi.platform.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.amphi.platform.audit.ChainVerifier.Problem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {

    private static final String SESSION = "edn-2026:C00001";

    /** A chain of {@code count} events built the way the event store appends them. */
    private static List<StoredEvent> chain(int count) {
        List<StoredEvent> events = new ArrayList<>();
        byte[] previous = EventHashes.GENESIS;
        for (int i = 0; i < count; i++) {
            StoredEvent unhashed = event(i, "{\"saveNumber\":" + i + "}", previous);
            byte[] hash = EventHashes.hash(previous, unhashed);
            events.add(withHash(unhashed, hash));
            previous = hash;
        }
        return events;
    }

    private static StoredEvent event(long sequence, String payload, byte[] previous) {
        return new StoredEvent(
                "event-" + sequence,
                SESSION,
                sequence,
                "ExamSession",
                "2026-06-15T09:00:0" + sequence + "Z",
                "io.amphi.delivery.api.Events$AnswerSaved",
                null,
                payload.getBytes(StandardCharsets.UTF_8),
                ("{\"previousHash\":\"" + EventHashes.hex(previous) + "\"}").getBytes(StandardCharsets.UTF_8),
                null);
    }

    private static StoredEvent withHash(StoredEvent e, byte[] hash) {
        return new StoredEvent(
                e.eventIdentifier(),
                e.aggregateIdentifier(),
                e.sequenceNumber(),
                e.type(),
                e.timestamp(),
                e.payloadType(),
                e.payloadRevision(),
                e.payload(),
                e.metaData(),
                hash);
    }

    private static StoredEvent withPayload(StoredEvent e, byte[] payload) {
        return new StoredEvent(
                e.eventIdentifier(),
                e.aggregateIdentifier(),
                e.sequenceNumber(),
                e.type(),
                e.timestamp(),
                e.payloadType(),
                e.payloadRevision(),
                payload,
                e.metaData(),
                e.chainHash());
    }

    @Test
    void anUntouchedChainIsIntactAndEndsInTheLastHash() {
        List<StoredEvent> events = chain(5);
        ChainVerifier.Result result = ChainVerifier.verify(SESSION, events);
        assertThat(result.intact()).isTrue();
        assertThat(result.lastSequence()).isEqualTo(4);
        assertThat(result.finalHash()).isEqualTo(events.getLast().chainHash());
    }

    @Test
    void oneChangedBytePinpointsTheEvent() {
        List<StoredEvent> events = new ArrayList<>(chain(5));
        byte[] payload = events.get(2).payload().clone();
        payload[payload.length - 2] ^= 1;
        events.set(2, withPayload(events.get(2), payload));
        ChainVerifier.Finding finding =
                ChainVerifier.verify(SESSION, events).finding().orElseThrow();
        assertThat(finding.problem()).isEqualTo(Problem.ALTERED);
        assertThat(finding.sequenceNumber()).isEqualTo(2);
        assertThat(finding.expected()).isEqualTo(EventHashes.hex(chain(5).get(2).chainHash()));
        assertThat(finding.found()).isNotEqualTo(finding.expected());
    }

    @Test
    void aDeletedEventIsMissing() {
        List<StoredEvent> events = new ArrayList<>(chain(5));
        StoredEvent deleted = events.remove(3);
        ChainVerifier.Finding finding =
                ChainVerifier.verify(SESSION, events).finding().orElseThrow();
        assertThat(finding.problem()).isEqualTo(Problem.MISSING);
        assertThat(finding.sequenceNumber()).isEqualTo(3);
        assertThat(finding.expected()).isEqualTo(EventHashes.hex(deleted.chainHash()));
    }

    @Test
    void swappedEventsAreReordered() {
        List<StoredEvent> original = chain(5);
        List<StoredEvent> events = new ArrayList<>(original);
        events.set(1, original.get(3).atSequence(1));
        events.set(3, original.get(1).atSequence(3));
        ChainVerifier.Finding finding =
                ChainVerifier.verify(SESSION, events).finding().orElseThrow();
        assertThat(finding.problem()).isEqualTo(Problem.REORDERED);
        assertThat(finding.sequenceNumber()).isEqualTo(1);
        assertThat(finding.found()).contains("appended as event 3");
    }

    @Test
    void linesSwappedInAFileAreReorderedNotMissing() {
        List<StoredEvent> events = new ArrayList<>(chain(5));
        events.add(1, events.remove(2));
        ChainVerifier.Finding finding =
                ChainVerifier.verify(SESSION, events).finding().orElseThrow();
        assertThat(finding.problem()).isEqualTo(Problem.REORDERED);
        assertThat(finding.sequenceNumber()).isEqualTo(1);
    }

    @Test
    void aPositionHeldTwiceIsADuplicateWhereverTheCopyStands() {
        List<StoredEvent> events = new ArrayList<>(chain(5));
        events.addAll(0, chain(5));
        ChainVerifier.Finding finding =
                ChainVerifier.verify(SESSION, events).finding().orElseThrow();
        assertThat(finding.problem()).isEqualTo(Problem.DUPLICATE);
        assertThat(finding.sequenceNumber()).isZero();
    }

    @Test
    void aRewrittenChainHashIsStillCaughtByItsSuccessor() {
        List<StoredEvent> events = new ArrayList<>(chain(5));
        byte[] payload = "{\"saveNumber\":99}".getBytes(StandardCharsets.UTF_8);
        StoredEvent forged = withPayload(events.get(2), payload);
        events.set(2, withHash(forged, EventHashes.hash(events.get(1).chainHash(), forged)));
        ChainVerifier.Finding finding =
                ChainVerifier.verify(SESSION, events).finding().orElseThrow();
        assertThat(finding.problem()).isEqualTo(Problem.BROKEN_LINK);
        assertThat(finding.sequenceNumber()).isEqualTo(3);
    }

    @Test
    void theMerkleRootDependsOnEverySessionsFinalState() {
        byte[] hashA = chain(3).getLast().chainHash();
        byte[] hashB = chain(4).getLast().chainHash();
        List<MerkleTree.Leaf> leaves = List.of(
                new MerkleTree.Leaf("x:a", 2, hashA),
                new MerkleTree.Leaf("x:b", 3, hashB),
                new MerkleTree.Leaf("x:c", 3, hashB));
        byte[] root = MerkleTree.root(leaves);
        assertThat(MerkleTree.root(List.of(leaves.get(2), leaves.get(0), leaves.get(1))))
                .as("order of input")
                .isEqualTo(root);
        assertThat(MerkleTree.root(List.of(leaves.get(0), leaves.get(1)))).isNotEqualTo(root);
        assertThat(MerkleTree.root(List.of(leaves.get(0), leaves.get(1), new MerkleTree.Leaf("x:c", 2, hashB))))
                .isNotEqualTo(root);
        byte[] changed = hashB.clone();
        changed[0] ^= 1;
        assertThat(MerkleTree.root(List.of(leaves.get(0), leaves.get(1), new MerkleTree.Leaf("x:c", 3, changed))))
                .isNotEqualTo(root);
        assertThat(Arrays.equals(MerkleTree.root(List.of()), MerkleTree.root(List.of())))
                .isTrue();
    }
}
