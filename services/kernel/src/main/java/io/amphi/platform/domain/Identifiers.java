package io.amphi.platform.domain;

import java.util.regex.Pattern;

/**
 * What an identifier that crosses services looks like (exam ids, candidate numbers, question
 * ids): 1 to 64 letters, digits, '.', '_' or '-'. No ':' or '/', which compose aggregate ids.
 */
public final class Identifiers {

    /** The longest identifier. */
    public static final int MAX_LENGTH = 64;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

    private Identifiers() {}

    public static boolean valid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * The key of who signs in, as revocations and sign-in pacing name them: a candidate of an exam,
     * or a service account (exam {@code null}).
     */
    public static String identity(String subject, String examId) {
        return examId == null ? "account/" + subject : "candidate/" + examId + "/" + subject;
    }
}
