package io.amphi.delivery.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What commands answer with. */
public final class Results {

    private Results() {}

    /** StartSession's answer: the session, and whether it already existed. */
    public record StartResult(SessionView session, boolean alreadyStarted) {}

    /** What a save did; every outcome acknowledges the save. */
    public enum SaveOutcome {
        /** Stored. */
        APPLIED,
        /** That save number was already stored; nothing changed. */
        DUPLICATE,
        /** A higher-numbered save of the same question is stored; this one was not applied. */
        SUPERSEDED
    }

    /** SaveAnswer's answer. */
    public record SaveResult(long saveNumber, SaveOutcome outcome, Duration remaining) {}

    /** FlagQuestion's answer. */
    public record FlagResult(boolean flagged, boolean changed) {}

    /** PauseSession's and UnpauseSession's answer: the session, and whether the call changed it. */
    public record PauseResult(SessionView session, boolean changed) {}

    /** Where an uploaded offline journal stands. */
    public enum JournalDecision {
        /** Waiting for a proctor: none of its answers counts yet. */
        UNDECIDED,
        /** Its applicable answers count. */
        ACCEPTED,
        /** None of its answers counts. */
        REJECTED
    }

    /**
     * An uploaded offline journal: its entries, those that would count (or counted) if accepted,
     * the session's deadline to weigh the page's times against, and whether the call changed
     * anything (false for a file uploaded before, or a decision repeated).
     */
    public record OfflineJournal(
            String sessionId,
            String uploadId,
            List<Events.OfflineAnswer> entries,
            List<Events.OfflineAnswer> applicable,
            JournalDecision decision,
            String uploadedBy,
            Instant uploadedAt,
            String decidedBy,
            Instant decidedAt,
            Instant deadline,
            boolean changed) {
        public OfflineJournal {
            entries = List.copyOf(entries);
            applicable = List.copyOf(applicable);
        }
    }

    /** SealExam's answer: the seal, and whether the exam had already been sealed with it. */
    public record SealResult(
            String examId, String merkleRoot, int sessionCount, Instant sealedAt, boolean alreadySealed) {}
}
