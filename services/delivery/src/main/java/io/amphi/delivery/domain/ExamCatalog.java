package io.amphi.delivery.domain;

import java.util.Optional;

/** What the session needs to know about exams: published content, schedules, enrolments. */
public interface ExamCatalog {

    /** The latest published content version of an exam. */
    Optional<ExamContent> latestContent(String examId);

    /** A given published content version. */
    Optional<ExamContent> content(String examId, int version);

    /** When the exam may be started, if it is scheduled. */
    Optional<ExamSchedule> schedule(String examId);

    /** The candidate's enrolment in the exam, if any. */
    Optional<Enrolment> enrolment(String examId, String candidateId);

    /** Whether the exam has been closed and sealed: then no session may start any more. */
    boolean isSealed(String examId);

    /**
     * Whether the exam is sealed, asked by a change to a session that ended (an offline journal):
     * until the change is stored, sealing waits, so a seal never misses it.
     */
    boolean isSealedHoldingSealingBack(String examId);
}
