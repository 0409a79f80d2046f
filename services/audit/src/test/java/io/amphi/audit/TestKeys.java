package io.amphi.audit;

import io.amphi.platform.audit.SubmissionReceipt;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * Ed25519 keys made from fixed seeds, so that the receipts of the test vectors are the same on
 * every run (Ed25519 signatures are deterministic). Test keys only: their seeds are in the vectors.
 */
final class TestKeys {

    /** A key with its RFC 8032 seed and id. */
    record Key(String keyId, byte[] seed, KeyPair pair) {
        byte[] publicKey() {
            return SubmissionReceipt.rawPublicKey(pair.getPublic());
        }
    }

    static final Key RECEIPTS = key((byte) 7);
    static final Key OTHER = key((byte) 9);

    private TestKeys() {}

    private static Key key(byte fill) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, fill);
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
                }
            });
            KeyPair pair = generator.generateKeyPair();
            return new Key(SubmissionReceipt.keyId(SubmissionReceipt.rawPublicKey(pair.getPublic())), seed, pair);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
