package io.amphi.scoring.domain;

import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Identifiers;
import io.amphi.platform.domain.Inputs;

/** Session ids are "examId:candidateId", as delivery makes them. */
public final class SessionIdentity {

    private SessionIdentity() {
    }

    /** The exam of a session; INVALID_ARGUMENT for anything that is not a session id. */
    public static String examOf(String sessionId) {
        return parts(sessionId)[0];
    }

    public static String candidateOf(String sessionId) {
        return parts(sessionId)[1];
    }

    private static String[] parts(String sessionId) {
        if (sessionId == null || sessionId.isEmpty()) {
            throw DomainException.invalid("MISSING_SESSION_ID", "Say which session: session_id is empty.");
        }
        int colon = sessionId.indexOf(':');
        String[] parts = colon < 0 ? new String[0]
                : new String[] {sessionId.substring(0, colon), sessionId.substring(colon + 1)};
        if (parts.length != 2 || !Identifiers.valid(parts[0]) || !Identifiers.valid(parts[1])) {
            throw DomainException.invalid("INVALID_SESSION_ID", Inputs.quote(sessionId)
                    + " is not a session id; a session id looks like '<exam id>:<candidate id>'.");
        }
        return parts;
    }
}
