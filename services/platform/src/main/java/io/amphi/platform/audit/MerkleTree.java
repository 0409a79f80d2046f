package io.amphi.platform.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The seal of an exam: a Merkle root over the final state of each of its sessions.
 *
 * <p>Leaves, sorted by session id: {@code SHA-256(0x00 ‖ len ‖ session id ‖ last sequence (8 bytes)
 * ‖ final hash)}; inner nodes: {@code SHA-256(0x01 ‖ left ‖ right)}; a node without a partner
 * moves up unchanged. An exam without sessions has the root {@code SHA-256(0x02)}. The prefixes
 * keep a leaf from ever passing for an inner node.
 */
public final class MerkleTree {

    /** One session as sealed: its id, the sequence number of its last event and that event's hash. */
    public record Leaf(String sessionId, long lastSequence, byte[] finalHash) {
    }

    private MerkleTree() {
    }

    public static byte[] root(List<Leaf> leaves) {
        List<byte[]> level = new ArrayList<>(leaves.size());
        leaves.stream().sorted(Comparator.comparing(Leaf::sessionId)).forEach(leaf -> level.add(leafHash(leaf)));
        if (level.isEmpty()) {
            return EventHashes.sha256().digest(new byte[] {2});
        }
        List<byte[]> current = level;
        while (current.size() > 1) {
            List<byte[]> next = new ArrayList<>((current.size() + 1) / 2);
            for (int i = 0; i < current.size(); i += 2) {
                if (i + 1 == current.size()) {
                    next.add(current.get(i));
                } else {
                    MessageDigest sha256 = EventHashes.sha256();
                    sha256.update((byte) 1);
                    sha256.update(current.get(i));
                    sha256.update(current.get(i + 1));
                    next.add(sha256.digest());
                }
            }
            current = next;
        }
        return current.getFirst();
    }

    private static byte[] leafHash(Leaf leaf) {
        byte[] id = leaf.sessionId().getBytes(StandardCharsets.UTF_8);
        MessageDigest sha256 = EventHashes.sha256();
        sha256.update((byte) 0);
        sha256.update(ByteBuffer.allocate(4).putInt(id.length).array());
        sha256.update(id);
        sha256.update(ByteBuffer.allocate(8).putLong(leaf.lastSequence()).array());
        sha256.update(leaf.finalHash());
        return sha256.digest();
    }
}
