package io.amphi.delivery.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A session as its candidate should see it at {@code serverTime}: what a reconnecting client needs.
 *
 * @param submittedAt      {@code null} while active
 * @param submissionCause  {@code null} while active
 * @param pausedAt         when a proctor paused it, {@code null} while its clock runs; while paused, the
 *                         remaining time stays what it was at that moment
 */
public record SessionView(
        String sessionId,
        String examId,
        int contentVersion,
        String candidateId,
        Instant startedAt,
        Instant deadline,
        Duration remaining,
        Instant serverTime,
        List<SavedAnswer> answers,
        List<String> flaggedQuestionIds,
        long highestSaveNumber,
        Instant submittedAt,
        SubmissionCause submissionCause,
        Instant pausedAt) {

    public boolean submitted() {
        return submittedAt != null;
    }

    public boolean paused() {
        return pausedAt != null;
    }

    /** The latest answer stored for one question. */
    public record SavedAnswer(String questionId, long saveNumber, Answer answer, Instant savedAt) {}
}
