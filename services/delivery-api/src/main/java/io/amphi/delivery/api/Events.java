package io.amphi.delivery.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What happened to an exam session: the event log every score is computed from. */
public final class Events {

    private Events() {
    }

    /** A candidate started an exam on a given content version; the deadline is fixed by the server. */
    public record SessionStarted(String sessionId, String examId, int contentVersion, String candidateId,
                                 Instant startedAt, Duration extraTime, Instant deadline) {
    }

    /** An answer was stored under the client's save number. */
    public record AnswerSaved(String sessionId, String questionId, long saveNumber, Answer answer,
                              Instant savedAt) {
    }

    /** The candidate flagged a question for review. */
    public record QuestionFlagged(String sessionId, String questionId, Instant flaggedAt) {
    }

    /** The candidate removed a flag. */
    public record QuestionUnflagged(String sessionId, String questionId, Instant unflaggedAt) {
    }

    /** A proctor granted extra time. */
    public record TimeExtended(String sessionId, Duration extension, String reason, String proctorId,
                               Instant extendedAt, Instant newDeadline) {
    }

    /** A proctor stopped the session's clock (an incident in the room): no answer is taken until it goes on. */
    public record SessionPaused(String sessionId, String reason, String proctorId, Instant pausedAt) {
    }

    /** The session went on after a pause; its deadline moved by exactly the time it was paused. */
    public record SessionUnpaused(String sessionId, String reason, String proctorId, Instant unpausedAt,
                                  Duration pausedFor, Instant newDeadline) {
    }

    /**
     * The session was handed in; nothing changes after this. {@code submittedAt} is when it counts
     * as handed in: the moment the candidate submitted, or the deadline itself when time ran out,
     * even if the server recorded it later (it was down then); {@code processedAt} is when the
     * server recorded it ({@code null} in events stored before it was kept).
     */
    public record SessionSubmitted(String sessionId, SubmissionCause cause, Instant submittedAt, Instant processedAt) {
    }

    /** One session as it was sealed: its last event's sequence number and chain hash (hex). */
    public record SealedSession(String sessionId, long lastSequence, String finalHash) {
    }

    /**
     * The exam was closed and its log sealed: {@code merkleRoot} (hex) is computed over every
     * session's final hash, so publishing it outside the platform fixes the whole log.
     */
    public record ExamSealed(String examId, String merkleRoot, List<SealedSession> sessions, Instant sealedAt,
                             String sealedBy) {
    }
}
