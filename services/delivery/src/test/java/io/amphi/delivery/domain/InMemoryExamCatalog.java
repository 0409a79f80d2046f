package io.amphi.delivery.domain;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A catalog held in memory for aggregate tests; the PostgreSQL one is covered by the integration tests. */
public final class InMemoryExamCatalog implements ExamCatalog {

    private final Map<String, ExamContent> latest = new HashMap<>();
    private final Map<String, ExamSchedule> schedules = new HashMap<>();
    private final Map<String, Enrolment> enrolments = new HashMap<>();
    private final Set<String> sealed = new HashSet<>();

    public InMemoryExamCatalog publish(ExamContent content) {
        latest.put(content.examId(), content);
        return this;
    }

    public InMemoryExamCatalog schedule(String examId, ExamSchedule schedule) {
        schedules.put(examId, schedule);
        return this;
    }

    public InMemoryExamCatalog seal(String examId) {
        sealed.add(examId);
        return this;
    }

    @Override
    public boolean isSealedHoldingSealingBack(String examId) {
        return isSealed(examId);
    }

    @Override
    public boolean isSealed(String examId) {
        return sealed.contains(examId);
    }

    public InMemoryExamCatalog enrol(String examId, String candidateId, Duration extraTime) {
        enrolments.put(examId + "/" + candidateId, new Enrolment(examId, candidateId, extraTime));
        return this;
    }

    @Override
    public Optional<ExamContent> latestContent(String examId) {
        return Optional.ofNullable(latest.get(examId));
    }

    @Override
    public Optional<ExamContent> content(String examId, int version) {
        return latestContent(examId).filter(c -> c.version() == version);
    }

    @Override
    public Optional<ExamSchedule> schedule(String examId) {
        return Optional.ofNullable(schedules.get(examId));
    }

    @Override
    public Optional<Enrolment> enrolment(String examId, String candidateId) {
        return Optional.ofNullable(enrolments.get(examId + "/" + candidateId));
    }
}
