package io.amphi.delivery.api;

import io.amphi.delivery.api.Events.SealedSession;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** What can be asked of an exam session. Every candidate command is idempotent. */
public final class Commands {

    private Commands() {}

    /** Start the candidate's session of the exam's latest published content version. */
    public record StartSession(@TargetAggregateIdentifier String sessionId, String examId, String candidateId) {}

    /** Store an answer; {@code saveNumber} is the client's, increasing over the session. */
    public record SaveAnswer(
            @TargetAggregateIdentifier String sessionId, String questionId, long saveNumber, Answer answer) {}

    /** Flag a question for review ({@code flagged} true) or remove the flag. */
    public record FlagQuestion(@TargetAggregateIdentifier String sessionId, String questionId, boolean flagged) {}

    /**
     * Grant extra time, by a proctor, with a reason; only while the deadline is still
     * {@code expectedDeadline} when one is given, so a grant made twice is added once.
     */
    public record ExtendTime(
            @TargetAggregateIdentifier String sessionId,
            Duration extension,
            String reason,
            String proctorId,
            Instant expectedDeadline) {

        /** A grant added whatever the deadline. */
        public ExtendTime(String sessionId, Duration extension, String reason, String proctorId) {
            this(sessionId, extension, reason, proctorId, null);
        }
    }

    /** Stop the session's clock, by a proctor, with a reason; a no-op while it is paused already. */
    public record PauseSession(@TargetAggregateIdentifier String sessionId, String reason, String proctorId) {}

    /** Let a paused session go on, its deadline moved by the time it was paused; a no-op when it is not paused. */
    public record UnpauseSession(@TargetAggregateIdentifier String sessionId, String reason, String proctorId) {}

    /**
     * Record a candidate's offline journal, uploaded by a proctor once the session has ended; its
     * entries are already authenticated. {@code uploadId} is the file's SHA-256 (hex).
     */
    public record UploadOfflineAnswers(
            @TargetAggregateIdentifier String sessionId,
            String uploadId,
            List<Events.OfflineAnswer> entries,
            String proctorId) {
        public UploadOfflineAnswers {
            entries = List.copyOf(entries);
        }
    }

    /** Let an uploaded journal's answers count ({@code accept}) or refuse them, by a proctor, with a reason. */
    public record DecideOfflineAnswers(
            @TargetAggregateIdentifier String sessionId,
            String uploadId,
            boolean accept,
            String reason,
            String proctorId) {}

    /** Report the session's uploaded offline journals, oldest first, without changing anything. */
    public record DescribeOfflineJournals(
            @TargetAggregateIdentifier String sessionId) {}

    /** The candidate hands in their exam. */
    public record SubmitSession(@TargetAggregateIdentifier String sessionId) {}

    /** The server hands in an exam whose deadline and grace have passed; a no-op otherwise. */
    public record SubmitOnDeadline(
            @TargetAggregateIdentifier String sessionId) {}

    /** Report the session's state without changing it. */
    public record DescribeSession(@TargetAggregateIdentifier String sessionId) {}

    /** Seal a closed exam's log with the Merkle root of its sessions' final hashes, as the exam computes it. */
    public record SealExam(@TargetAggregateIdentifier String examId, List<SealedSession> sessions, String sealedBy) {}

    /** Tells the platform what a stored content version holds (once per version; see {@code ExamContentPublished}). */
    public record AnnounceExamContent(
            @TargetAggregateIdentifier String releaseId,
            String examId,
            int contentVersion,
            String contentSha256,
            List<Events.PublishedQuestion> questions) {}
}
