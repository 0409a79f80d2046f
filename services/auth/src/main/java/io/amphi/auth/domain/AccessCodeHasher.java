package io.amphi.auth.domain;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Stores access codes as PBKDF2-HMAC-SHA256 hashes with a random salt; the iteration count is the
 * cost, a setting, recorded in each hash so it can be changed without invalidating older ones.
 * Format: {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64).
 *
 * <p>The cost is chosen from the codes' entropy, not from password guidance: codes are generated
 * by the platform ({@link AccessCodes}, 60 random bits), never chosen by people. At the default
 * 10,000 iterations (20,000 SHA-256 compressions per guess), finding one code from a stolen hash
 * takes 2^59 guesses on average: about 36,000 years for a GPU doing 10^10 SHA-256 a second. OWASP's
 * 600,000 iterations for human passwords protect a good 35-bit password for about 24 days on the
 * same GPU. The cost stays affordable in a storm: about 3 ms of one core per sign-in on the build
 * machine (services/auth/README.md has the sign-in rate per replica).
 */
public final class AccessCodeHasher {

    private static final String PREFIX = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    private final int iterations;
    private final SecureRandom random = new SecureRandom();

    public AccessCodeHasher(int iterations) {
        if (iterations < 1_000) {
            throw new IllegalArgumentException("At least 1000 PBKDF2 iterations, not " + iterations);
        }
        this.iterations = iterations;
    }

    public String hash(String accessCode) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + base64.encodeToString(salt) + "$"
                + base64.encodeToString(derive(accessCode, salt, iterations));
    }

    /** Whether {@code accessCode} is the one {@code storedHash} was made from; constant-time. */
    public boolean matches(String accessCode, String storedHash) {
        String[] parts = storedHash.split("\\$");
        if (parts.length != 4 || !PREFIX.equals(parts[0])) {
            throw new IllegalArgumentException("Not an access code hash of this platform");
        }
        Base64.Decoder base64 = Base64.getDecoder();
        byte[] expected = base64.decode(parts[3]);
        byte[] actual = derive(accessCode, base64.decode(parts[2]), Integer.parseInt(parts[1]));
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] derive(String accessCode, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(accessCode.toCharArray(), salt, iterations, HASH_BITS);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JVM", e);
        }
    }
}
