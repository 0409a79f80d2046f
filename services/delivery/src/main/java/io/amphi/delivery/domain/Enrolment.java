package io.amphi.delivery.domain;

import java.time.Duration;

/**
 * A candidate admitted to an exam.
 *
 * @param extraTime time added to the exam's duration for this candidate (an accommodation), zero if none
 * @param site      where the candidate sits the exam (a centre or a room), {@code null} if the exam has no sites
 */
public record Enrolment(String examId, String candidateId, Duration extraTime, String site) {

    /** A candidate of an exam without sites. */
    public Enrolment(String examId, String candidateId, Duration extraTime) {
        this(examId, candidateId, extraTime, null);
    }
}
