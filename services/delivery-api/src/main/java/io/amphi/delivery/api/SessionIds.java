package io.amphi.delivery.api;

import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Identifiers;
import io.amphi.platform.domain.Inputs;

/**
 * A session's id, also its aggregate's: "&lt;exam id&gt;:&lt;candidate id&gt;", one session per
 * candidate per exam by construction. The one place that knows the format: delivery makes ids,
 * scoring and the audit tool take them apart, and all find an exam's sessions by its prefix.
 */
public final class SessionIds {

    /** The longest session id: two ids and the colon. */
    static final int MAX_LENGTH = 2 * Identifiers.MAX_LENGTH + 1;

    private SessionIds() {}

    /** The id of a candidate's session of an exam; INVALID_ARGUMENT if either id is malformed. */
    public static String of(String examId, String candidateId) {
        requireId(examId, "an exam");
        requireId(candidateId, "a candidate");
        return examId + ":" + candidateId;
    }

    /** The candidate a session belongs to; INVALID_ARGUMENT for a malformed id. */
    public static String candidateOf(String sessionId) {
        return parts(sessionId)[1];
    }

    /** The exam a session belongs to; INVALID_ARGUMENT for a malformed id. */
    public static String examOf(String sessionId) {
        return parts(sessionId)[0];
    }

    /** What every session id of the exam, and no other aggregate's id, begins with. */
    public static String prefixOf(String examId) {
        return examId + ":";
    }

    /** Whether an aggregate id is the id of one of the exam's sessions. */
    public static boolean isSessionOf(String aggregateId, String examId) {
        return aggregateId.startsWith(prefixOf(examId));
    }

    private static void requireId(String id, String what) {
        if (!Identifiers.valid(id)) {
            throw DomainException.invalid(
                    "INVALID_ID",
                    "Invalid id " + Inputs.quote(id) + " for " + what
                            + ": an id is 1 to 64 letters, digits, '.', '_' or '-'.");
        }
    }

    private static String[] parts(String sessionId) {
        if (sessionId == null || sessionId.isEmpty()) {
            throw DomainException.invalid("MISSING_SESSION_ID", "Say which session: session_id is empty.");
        }
        String[] parts = sessionId.length() > MAX_LENGTH ? new String[0] : sessionId.split(":", -1);
        if (parts.length != 2 || !Identifiers.valid(parts[0]) || !Identifiers.valid(parts[1])) {
            throw DomainException.invalid(
                    "INVALID_SESSION_ID",
                    Inputs.quote(sessionId)
                            + " is not a session id; a session id looks like '<exam id>:<candidate id>'.");
        }
        return parts;
    }
}
