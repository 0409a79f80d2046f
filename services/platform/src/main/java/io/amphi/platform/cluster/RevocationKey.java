package io.amphi.platform.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that makes the list of withdrawn identities name nobody outside the platform: the auth
 * service publishes each identity as HMAC-SHA256(key, identity). The auth service keeps the key in
 * its database and shares it through the cluster, whose members are the platform's circle of trust
 * (they hold every piece of shared state already); a client of the public gRPC API sees only
 * values it cannot reverse.
 */
public final class RevocationKey {

    static final String MAP = "amphi-revocation-key";
    private static final String CURRENT = "current";

    private final IMap<String, byte[]> shared;

    public RevocationKey(HazelcastInstance hazelcast) {
        this.shared = hazelcast.getMap(MAP);
    }

    /** Makes {@code key} the one every member uses (the auth service, from its database). */
    public void publish(byte[] key) {
        shared.set(CURRENT, key.clone());
    }

    /** The key the auth service published; empty before it did. */
    public Optional<byte[]> current() {
        return Optional.ofNullable(shared.get(CURRENT));
    }

    /** Lower-case hex HMAC-SHA256 of an identity's UTF-8 key, as revocations are published. */
    public static String mac(byte[] key, String identity) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(identity.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** How far a proof's minute may be from the receiver's clock. */
    private static final long PROOF_MINUTES = 2;

    /**
     * A member's proof of holding the key, for the minute of {@code nowMillis}: "minute.hmac". It
     * opens the revocation stream, which is for members only.
     */
    public static String proof(byte[] key, long nowMillis) {
        long minute = nowMillis / 60_000;
        return minute + "." + mac(key, "watch-revocations:" + minute);
    }

    /** Whether {@code proof} was made with this key within a couple of minutes of {@code nowMillis}. */
    public static boolean proves(byte[] key, String proof, long nowMillis) {
        if (proof == null || proof.length() > 100) {
            return false;
        }
        int dot = proof.indexOf('.');
        long minute;
        try {
            minute = Long.parseLong(proof.substring(0, Math.max(dot, 0)));
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(minute - nowMillis / 60_000) > PROOF_MINUTES) {
            return false;
        }
        return MessageDigest.isEqual(
                proof.substring(dot + 1).getBytes(StandardCharsets.US_ASCII),
                mac(key, "watch-revocations:" + minute).getBytes(StandardCharsets.US_ASCII));
    }

    /** Names a key without revealing it: the first 16 hex digits of its SHA-256. */
    public static String id(byte[] key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key))
                    .substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
