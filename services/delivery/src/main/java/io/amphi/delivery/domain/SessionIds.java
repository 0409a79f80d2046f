package io.amphi.delivery.domain;

import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Identifiers;
import io.amphi.platform.domain.Inputs;

/** A session's id is "&lt;exam id&gt;:&lt;candidate id&gt;": one session per candidate per exam, by construction. */
public final class SessionIds {

    private SessionIds() {
    }

    /** The id of a candidate's session of an exam; INVALID_ARGUMENT if either id is malformed. */
    public static String of(String examId, String candidateId) {
        Content.requireId(examId, "an exam");
        Content.requireId(candidateId, "a candidate");
        return examId + ":" + candidateId;
    }

    /** The candidate a session belongs to; INVALID_ARGUMENT for a malformed id. */
    public static String candidateOf(String sessionId) {
        return parts(sessionId)[1];
    }

    public static String examOf(String sessionId) {
        return parts(sessionId)[0];
    }

    /** The longest session id: two ids and the colon. */
    static final int MAX_LENGTH = 2 * 64 + 1;

    private static String[] parts(String sessionId) {
        if (sessionId == null || sessionId.isEmpty()) {
            throw DomainException.invalid("MISSING_SESSION_ID", "Say which session: session_id is empty.");
        }
        String[] parts = sessionId.length() > MAX_LENGTH ? new String[0] : sessionId.split(":", -1);
        if (parts.length != 2 || !Identifiers.valid(parts[0]) || !Identifiers.valid(parts[1])) {
            throw DomainException.invalid("INVALID_SESSION_ID", Inputs.quote(sessionId)
                    + " is not a session id; a session id looks like '<exam id>:<candidate id>'.");
        }
        return parts;
    }
}
