package io.amphi.platform.axon;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;
import org.axonframework.common.IdentifierFactory;

/**
 * Axon's message identifiers (commands, events, results: several per command) as random version-4
 * UUIDs, like Axon's default, drawn from strong generators spread over stripes rather than from
 * {@link UUID#randomUUID()}'s single generator. That one is read under one lock, with a read of
 * the operating system's entropy inside it, and every command crosses it several times: JFR on an
 * overloaded replica (2,000 saves/s, then with a thread per waiting call) showed threads blocked
 * on it for 948 s in a 90 s recording, the longest wait of all. Found by Axon through
 * {@code META-INF/services}.
 */
public final class StripedUuidFactory extends IdentifierFactory {

    private final SecureRandom[] stripes;

    public StripedUuidFactory() {
        stripes = new SecureRandom[4 * Runtime.getRuntime().availableProcessors()];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = strongGenerator();
        }
    }

    @Override
    public String generateIdentifier() {
        byte[] random = new byte[16];
        stripes[(int) Math.floorMod(Thread.currentThread().threadId(), (long) stripes.length)].nextBytes(random);
        random[6] = (byte) ((random[6] & 0x0f) | 0x40);
        random[8] = (byte) ((random[8] & 0x3f) | 0x80);
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (random[i] & 0xff);
            low = (low << 8) | (random[i + 8] & 0xff);
        }
        return new UUID(high, low).toString();
    }

    /** Each stripe its own state, seeded by the operating system once (not a view of one shared source). */
    private static SecureRandom strongGenerator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This Java runtime has no DRBG generator", e);
        }
    }
}
