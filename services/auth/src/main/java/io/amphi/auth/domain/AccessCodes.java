package io.amphi.auth.domain;

import java.security.SecureRandom;

/**
 * Access codes are made by the platform, never chosen: 12 characters from an alphabet of 32 without
 * look-alikes (no 0 or O, 1 or I), so 60 random bits, printed in groups of four ("K7QM-3WXA-PR9E") to be
 * copied from a letter without mistakes. The hashing cost is chosen from that entropy
 * ({@link AccessCodeHasher}).
 */
public final class AccessCodes {

    private static final String ALPHABET_SET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final char[] ALPHABET = ALPHABET_SET.toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private AccessCodes() {}

    /**
     * A code as a candidate may type it, written the way it was issued: a generated code is the
     * same in lower case, with spaces, or without its dashes; anything else is left as typed.
     */
    public static String normalised(String typed) {
        String compact = typed.replace(" ", "").replace("-", "").toUpperCase(java.util.Locale.ROOT);
        if (compact.length() != 12 || !compact.chars().allMatch(c -> ALPHABET_SET.indexOf(c) >= 0)) {
            return typed;
        }
        return compact.substring(0, 4) + "-" + compact.substring(4, 8) + "-" + compact.substring(8);
    }

    public static String generate() {
        StringBuilder code = new StringBuilder(14);
        for (int i = 0; i < 12; i++) {
            if (i > 0 && i % 4 == 0) {
                code.append('-');
            }
            code.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return code.toString();
    }
}
