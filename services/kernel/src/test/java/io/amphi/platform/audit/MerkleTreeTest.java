package io.amphi.platform.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    private static List<byte[]> leaves(int count) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            leaves.add(EventHashes.sha256().digest(("leaf " + i).getBytes(StandardCharsets.UTF_8)));
        }
        return leaves;
    }

    /** RFC 6962's MTH, written the way the RFC defines it: split at the largest power of two below n. */
    private static byte[] rfc6962(List<byte[]> leaves) {
        if (leaves.size() == 1) {
            return leaves.getFirst();
        }
        int split = Integer.highestOneBit(leaves.size() - 1);
        MessageDigest sha256 = EventHashes.sha256();
        sha256.update((byte) 1);
        sha256.update(rfc6962(leaves.subList(0, split)));
        sha256.update(rfc6962(leaves.subList(split, leaves.size())));
        return sha256.digest();
    }

    @Test
    void theBottomUpTreeIsRfc6962sTreeForEverySize() {
        for (int n = 1; n <= 100; n++) {
            assertThat(MerkleTree.rootOfSorted(leaves(n))).as("%d leaves", n).isEqualTo(rfc6962(leaves(n)));
        }
        assertThat(MerkleTree.rootOfSorted(List.of()))
                .isEqualTo(EventHashes.sha256().digest(new byte[] {2}));
    }

    @Test
    void everyLeafsAuditPathLeadsToTheRootAndNoOtherLeafsDoes() {
        for (int n = 1; n <= 40; n++) {
            List<byte[]> leaves = leaves(n);
            byte[] root = MerkleTree.rootOfSorted(leaves);
            for (int i = 0; i < n; i++) {
                MerkleTree.AuditPath path = MerkleTree.auditPath(leaves, i);
                assertThat(MerkleTree.rootFromPath(leaves.get(i), path))
                        .as("leaf %d of %d", i, n)
                        .isEqualTo(root);
                byte[] other = leaves.get((i + 1) % n);
                if (n > 1) {
                    assertThat(MerkleTree.rootFromPath(other, path))
                            .as("another leaf on leaf %d's path", i)
                            .isNotEqualTo(root);
                }
                assertThat(MerkleTree.rootFromPath(leaves.get(i), new MerkleTree.AuditPath(n, n, path.siblings())))
                        .as("an index outside the tree")
                        .isNull();
            }
        }
    }

    @Test
    void leavesAreSortedByTheirIdsUtf8Bytes() {
        byte[] hash = new byte[32];
        MerkleTree.Leaf astral = new MerkleTree.Leaf("exam:\uD83D\uDE00", 1, hash);
        MerkleTree.Leaf bmp = new MerkleTree.Leaf("exam:\uFF21", 1, hash);
        assertThat(MerkleTree.UTF8_ORDER.compare(astral.sessionId(), bmp.sessionId()))
                .as("U+1F600 is after U+FF21 in UTF-8, before it in UTF-16")
                .isPositive();
        assertThat(MerkleTree.root(List.of(astral, bmp)))
                .isEqualTo(MerkleTree.rootOfSorted(List.of(MerkleTree.leafHash(bmp), MerkleTree.leafHash(astral))));
    }
}
