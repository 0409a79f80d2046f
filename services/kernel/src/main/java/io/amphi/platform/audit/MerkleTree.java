package io.amphi.platform.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Merkle trees in the manner of RFC 6962 (AUDIT-FORMAT.md, "amphi-merkle-v1"): the seal of an
 * exam over the final state of each of its sessions, and the results tree of a publication.
 *
 * <p>Leaves are sorted by their id's UTF-8 bytes; inner nodes are {@code SHA-256(0x01 ‖ left ‖
 * right)}; a node without a partner moves up a level unchanged, which gives exactly RFC 6962's
 * tree (its left subtree always holds the largest power of two of leaves). An empty tree has the
 * root {@code SHA-256(0x02)}. The prefixes keep a leaf from ever passing for an inner node.
 */
public final class MerkleTree {

    /** Ids compared as their UTF-8 bytes, unsigned: the order every implementation can reproduce. */
    public static final Comparator<String> UTF8_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    /** One session as sealed: its id, the sequence number of its last event and that event's hash. */
    public record Leaf(String sessionId, long lastSequence, byte[] finalHash) {}

    /**
     * Where one leaf sits and the sibling hashes from it up to the root (RFC 6962, section 2.1.1),
     * the nearest first: with the leaf's hash they give the root, and nothing else does.
     */
    public record AuditPath(int leafIndex, int treeSize, List<byte[]> siblings) {}

    private MerkleTree() {}

    /** The seal's root over sessions, in any order. */
    public static byte[] root(List<Leaf> leaves) {
        return rootOfSorted(leaves.stream()
                .sorted(Comparator.comparing(Leaf::sessionId, UTF8_ORDER))
                .map(MerkleTree::leafHash)
                .toList());
    }

    /** The root over leaf hashes already in the tree's order. */
    public static byte[] rootOfSorted(List<byte[]> leafHashes) {
        if (leafHashes.isEmpty()) {
            return EventHashes.sha256().digest(new byte[] {2});
        }
        List<byte[]> current = leafHashes;
        while (current.size() > 1) {
            List<byte[]> next = new ArrayList<>((current.size() + 1) / 2);
            for (int i = 0; i < current.size(); i += 2) {
                next.add(i + 1 == current.size() ? current.get(i) : node(current.get(i), current.get(i + 1)));
            }
            current = next;
        }
        return current.getFirst();
    }

    /** {@code SHA-256(0x00 ‖ len(sessionId) (4 bytes) ‖ sessionId ‖ lastSequence (8 bytes) ‖ finalHash)}. */
    public static byte[] leafHash(Leaf leaf) {
        byte[] id = leaf.sessionId().getBytes(StandardCharsets.UTF_8);
        MessageDigest sha256 = EventHashes.sha256();
        sha256.update((byte) 0);
        sha256.update(ByteBuffer.allocate(4).putInt(id.length).array());
        sha256.update(id);
        sha256.update(ByteBuffer.allocate(8).putLong(leaf.lastSequence()).array());
        sha256.update(leaf.finalHash());
        return sha256.digest();
    }

    /** The audit path of the leaf at {@code index} among leaf hashes in the tree's order. */
    public static AuditPath auditPath(List<byte[]> leafHashes, int index) {
        if (index < 0 || index >= leafHashes.size()) {
            throw new IllegalArgumentException("leaf " + index + " of a tree of " + leafHashes.size());
        }
        List<byte[]> siblings = new ArrayList<>();
        path(leafHashes, index, siblings);
        return new AuditPath(index, leafHashes.size(), List.copyOf(siblings));
    }

    /**
     * The root an audit path leads to from a leaf hash (RFC 9162, section 2.1.3.2), or
     * {@code null} when the path cannot belong to a tree of that size.
     */
    public static byte[] rootFromPath(byte[] leafHash, AuditPath path) {
        long index = path.leafIndex();
        long last = path.treeSize() - 1L;
        if (index < 0 || index > last) {
            return null;
        }
        byte[] hash = leafHash;
        for (byte[] sibling : path.siblings()) {
            if (last == 0) {
                return null;
            }
            if ((index & 1) == 1 || index == last) {
                hash = node(sibling, hash);
                while ((index & 1) == 0 && index != 0) {
                    index >>= 1;
                    last >>= 1;
                }
            } else {
                hash = node(hash, sibling);
            }
            index >>= 1;
            last >>= 1;
        }
        return last == 0 ? hash : null;
    }

    /** RFC 6962's PATH(m, D[n]): the siblings of the leaf, deepest first. */
    private static void path(List<byte[]> leaves, int index, List<byte[]> siblings) {
        if (leaves.size() <= 1) {
            return;
        }
        int split = Integer.highestOneBit(leaves.size() - 1);
        if (index < split) {
            path(leaves.subList(0, split), index, siblings);
            siblings.add(rootOfSorted(leaves.subList(split, leaves.size())));
        } else {
            path(leaves.subList(split, leaves.size()), index - split, siblings);
            siblings.add(rootOfSorted(leaves.subList(0, split)));
        }
    }

    static byte[] node(byte[] left, byte[] right) {
        MessageDigest sha256 = EventHashes.sha256();
        sha256.update((byte) 1);
        sha256.update(left);
        sha256.update(right);
        return sha256.digest();
    }
}
