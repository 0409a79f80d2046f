package io.amphi.auth.domain;

import java.security.SecureRandom;
import java.util.Base64;

/** Secrets handed to callers once: 256 random bits, URL-safe base64 (43 characters). */
public final class RandomSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomSecrets() {}

    public static String next() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
