package io.amphi.delivery.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What happened to an exam session: the event log every score is computed from. */
public final class Events {

    private Events() {}

    /** A candidate started an exam on a given content version; the deadline is fixed by the server. */
    public record SessionStarted(
            String sessionId,
            String examId,
            int contentVersion,
            String candidateId,
            Instant startedAt,
            Duration extraTime,
            Instant deadline) {}

    /** An answer was stored under the client's save number. */
    public record AnswerSaved(String sessionId, String questionId, long saveNumber, Answer answer, Instant savedAt) {}

    /** The candidate flagged a question for review. */
    public record QuestionFlagged(String sessionId, String questionId, Instant flaggedAt) {}

    /** The candidate removed a flag. */
    public record QuestionUnflagged(String sessionId, String questionId, Instant unflaggedAt) {}

    /** A proctor granted extra time. */
    public record TimeExtended(
            String sessionId,
            Duration extension,
            String reason,
            String proctorId,
            Instant extendedAt,
            Instant newDeadline) {}

    /** A proctor stopped the session's clock (an incident in the room): no answer is taken until it goes on. */
    public record SessionPaused(String sessionId, String reason, String proctorId, Instant pausedAt) {}

    /** The session went on after a pause; its deadline moved by exactly the time it was paused. */
    public record SessionUnpaused(
            String sessionId,
            String reason,
            String proctorId,
            Instant unpausedAt,
            Duration pausedFor,
            Instant newDeadline) {}

    /**
     * The session was handed in; nothing changes after this. {@code submittedAt} is when it counts
     * as handed in: the moment the candidate submitted, or the deadline itself when time ran out,
     * even if the server recorded it later (it was down then); {@code processedAt} is when the
     * server recorded it ({@code null} in events stored before it was kept).
     */
    public record SessionSubmitted(String sessionId, SubmissionCause cause, Instant submittedAt, Instant processedAt) {}

    /**
     * One answer of a candidate's offline journal, as the candidate's page recorded it:
     * {@code recordedAt} is the page's own clock, not the server's.
     */
    public record OfflineAnswer(String questionId, long saveNumber, Answer answer, Instant recordedAt) {
        public OfflineAnswer {
            Objects.requireNonNull(answer, "answer");
        }
    }

    /**
     * A proctor uploaded the journal a candidate's page kept while it could not reach the platform
     * at the end of the exam. Every entry's MAC was checked with the session's journal key; none of
     * these answers counts until a proctor accepts the upload. {@code uploadId} is the SHA-256 (hex)
     * of the encrypted file, so the same file uploaded twice is one upload.
     */
    public record OfflineAnswersUploaded(
            String sessionId, String uploadId, List<OfflineAnswer> entries, String proctorId, Instant uploadedAt) {
        public OfflineAnswersUploaded {
            entries = List.copyOf(entries);
        }
    }

    /**
     * A proctor accepted an uploaded journal: {@code applied} are its answers that now count, each
     * numbered above the question's stored answer (entries already stored or older than a stored
     * answer are left out), in save-number order. They count like saves: the highest-numbered
     * answer of a question is its answer.
     */
    public record OfflineAnswersAccepted(
            String sessionId,
            String uploadId,
            List<OfflineAnswer> applied,
            String reason,
            String proctorId,
            Instant acceptedAt) {
        public OfflineAnswersAccepted {
            applied = List.copyOf(applied);
        }
    }

    /** A proctor refused an uploaded journal: none of its answers counts. */
    public record OfflineAnswersRejected(
            String sessionId, String uploadId, String reason, String proctorId, Instant rejectedAt) {}

    /** One session as it was sealed: its last event's sequence number and chain hash (hex). */
    public record SealedSession(String sessionId, long lastSequence, String finalHash) {}

    /**
     * The exam was closed and its log sealed: {@code merkleRoot} (hex) is computed over every
     * session's final hash, so publishing it outside the platform fixes the whole log.
     */
    public record ExamSealed(
            String examId, String merkleRoot, List<SealedSession> sessions, Instant sealedAt, String sealedBy) {}

    /**
     * One question of published content as other services need it: its id, its kind as the exam
     * format names it (EXAM-FORMAT.md, e.g. "single-best-answer"), its option ids in order
     * (choice kinds, else empty) and its own questions (a key-features case, else empty). Stems
     * and vignettes stay with delivery.
     */
    public record PublishedQuestion(String id, String kind, List<String> optionIds, List<PublishedQuestion> parts) {}

    /**
     * A content version of an exam was published (aggregate "exam/content/version"): what it asks,
     * and the SHA-256 (hex) of the exam file as stored. Published once per version, which never
     * changes afterwards.
     */
    public record ExamContentPublished(
            String examId,
            int contentVersion,
            String contentSha256,
            List<PublishedQuestion> questions,
            Instant publishedAt) {

        /** The aggregate of a content version: no exam id holds a '/', so it meets no other aggregate. */
        public static String releaseId(String examId, int contentVersion) {
            return releasePrefixOf(examId) + contentVersion;
        }

        /** What the aggregate id of every content version of {@code examId} starts with. */
        public static String releasePrefixOf(String examId) {
            return examId + "/content/";
        }
    }
}
