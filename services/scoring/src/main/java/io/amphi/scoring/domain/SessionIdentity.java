package io.amphi.scoring.domain;

/** Session ids are "examId:candidateId", as delivery makes them. */
public final class SessionIdentity {

    private SessionIdentity() {
    }

    public static String examOf(String sessionId) {
        int colon = sessionId.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("A session id is examId:candidateId, not '" + sessionId + "'");
        }
        return sessionId.substring(0, colon);
    }

    public static String candidateOf(String sessionId) {
        return sessionId.substring(examOf(sessionId).length() + 1);
    }
}
