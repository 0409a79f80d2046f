package io.amphi.platform.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * That one session is in a sealed exam, unchanged: its leaf (id, last sequence, final hash), its
 * place in the exam's Merkle tree and the audit path from it to the exam root (RFC 6962 section
 * 2.1.1; AUDIT-FORMAT.md, "Receipts and inclusion proofs").
 *
 * @param auditPath the sibling hashes (hex), the deepest first
 */
public record InclusionProof(
        String examId,
        String sessionId,
        long lastSequence,
        String finalHash,
        int leafIndex,
        int treeSize,
        List<String> auditPath,
        String examRoot) {

    /** A seal's leaves sorted and hashed once, to prove any of its sessions (a seal never changes). */
    public record SealedTree(String examRoot, List<MerkleTree.Leaf> sorted, List<byte[]> leafHashes) {

        public static SealedTree of(String examRoot, List<MerkleTree.Leaf> sealed) {
            List<MerkleTree.Leaf> sorted = sealed.stream()
                    .sorted(Comparator.comparing(MerkleTree.Leaf::sessionId, MerkleTree.UTF8_ORDER))
                    .toList();
            return new SealedTree(
                    examRoot, sorted, sorted.stream().map(MerkleTree::leafHash).toList());
        }

        /** From an ExamSealed payload: its merkleRoot and the sessions it lists. */
        public static SealedTree ofSeal(JsonNode seal) {
            List<MerkleTree.Leaf> leaves = new ArrayList<>();
            seal.path("sessions")
                    .forEach(session -> leaves.add(new MerkleTree.Leaf(
                            session.path("sessionId").asText(),
                            session.path("lastSequence").asLong(),
                            EventHashes.fromHex(session.path("finalHash").asText()))));
            return of(seal.path("merkleRoot").asText(), leaves);
        }

        public Optional<InclusionProof> prove(String examId, String sessionId) {
            List<String> ids = sorted.stream().map(MerkleTree.Leaf::sessionId).toList();
            int found = Collections.binarySearch(ids, sessionId, MerkleTree.UTF8_ORDER);
            if (found < 0) {
                return Optional.empty();
            }
            while (found > 0 && MerkleTree.UTF8_ORDER.compare(ids.get(found - 1), sessionId) == 0) {
                found--;
            }
            int index = found;
            while (index < ids.size() && !ids.get(index).equals(sessionId)) {
                if (MerkleTree.UTF8_ORDER.compare(ids.get(index), sessionId) != 0) {
                    return Optional.empty();
                }
                index++;
            }
            if (index == ids.size()) {
                return Optional.empty();
            }
            MerkleTree.Leaf leaf = sorted.get(index);
            MerkleTree.AuditPath path = MerkleTree.auditPath(leafHashes, index);
            return Optional.of(new InclusionProof(
                    examId,
                    sessionId,
                    leaf.lastSequence(),
                    EventHashes.hex(leaf.finalHash()),
                    index,
                    sorted.size(),
                    path.siblings().stream().map(EventHashes::hex).toList(),
                    examRoot));
        }
    }

    /** The root the path leads to from this proof's leaf; {@code null} if it leads nowhere. */
    public byte[] root() {
        byte[] leaf = MerkleTree.leafHash(new MerkleTree.Leaf(sessionId, lastSequence, EventHashes.fromHex(finalHash)));
        return MerkleTree.rootFromPath(
                leaf,
                new MerkleTree.AuditPath(
                        leafIndex,
                        treeSize,
                        auditPath.stream().map(EventHashes::fromHex).toList()));
    }

    /** Whether the proof leads to {@code root} (hex, any case). */
    public boolean leadsTo(String root) {
        byte[] reached = root();
        return reached != null && Arrays.equals(reached, EventHashes.fromHex(root.toLowerCase(Locale.ROOT)));
    }
}
