package io.amphi.delivery.catalog;

import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.ExamCatalog;
import io.amphi.delivery.domain.ExamContent;
import io.amphi.delivery.domain.ExamSchedule;
import io.amphi.platform.cluster.Admission;
import java.util.List;
import java.util.Optional;

/**
 * The exam catalog as the service's parts use it: what the exam sessions read
 * ({@link ExamCatalog}), and publishing, scheduling, enrolling and admission. Its parts depend on
 * this, not on where it is kept ({@link JdbcExamCatalog}).
 */
public interface ExamCatalogStore extends ExamCatalog {

    /**
     * Publishes an exam file as its version; publishing the same file again changes nothing,
     * publishing different content under a version already published is refused.
     */
    ExamContent publish(byte[] examFile, String source);

    /** Reads and checks an exam file without storing anything: what publishing it would publish. */
    ExamContent check(byte[] examFile, String source);

    /** The SHA-256 (hex) of a published version's file, as stored. */
    Optional<String> contentSha256(String examId, int version);

    /** Sets (or moves) the window in which the exam may be started. */
    void schedule(String examId, ExamSchedule schedule);

    /** Enrols candidates, or updates their extra time and site: all of them or, on a failure, none. */
    void enrol(List<Enrolment> enrolments);

    /** The sessions of an exam that run now, of every candidate or of those enrolled at one site ({@code null}: all). */
    List<String> runningSessions(String examId, String site);

    /** Sets how fast the exam lets candidates in and how many sessions may be active at once. */
    void admission(String examId, Admission.Policy policy);

    /** The exam's admission policy, if one was set. */
    Optional<Admission.Policy> admission(String examId);
}
