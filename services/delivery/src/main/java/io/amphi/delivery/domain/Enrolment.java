package io.amphi.delivery.domain;

import java.time.Duration;

/**
 * A candidate admitted to an exam.
 *
 * @param extraTime time added to the exam's duration for this candidate (an accommodation), zero if none
 */
public record Enrolment(String examId, String candidateId, Duration extraTime) {
}
