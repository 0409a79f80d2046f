package io.amphi.delivery.domain;

import java.time.Instant;

/**
 * When candidates may start an exam.
 *
 * @param opensAt  the first moment a session may start
 * @param closesAt the last moment a session may start (answering goes on until each session's deadline)
 */
public record ExamSchedule(Instant opensAt, Instant closesAt) {

    public ExamSchedule {
        if (!closesAt.isAfter(opensAt)) {
            throw new IllegalArgumentException("An exam must close after it opens: " + opensAt + " .. " + closesAt);
        }
    }

    public boolean isOpenAt(Instant moment) {
        return !moment.isBefore(opensAt) && !moment.isAfter(closesAt);
    }
}
