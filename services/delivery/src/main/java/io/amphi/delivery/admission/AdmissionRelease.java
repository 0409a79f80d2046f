package io.amphi.delivery.admission;

import io.amphi.delivery.api.Events.SessionSubmitted;
import io.amphi.delivery.api.SessionIds;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;

/** A submitted session leaves its exam's room, letting the next candidate in line start. */
@ProcessingGroup("admission-release")
public class AdmissionRelease {

    private final ExamDoor door;

    public AdmissionRelease(ExamDoor door) {
        this.door = door;
    }

    @EventHandler
    void on(SessionSubmitted event) {
        door.leave(SessionIds.examOf(event.sessionId()), SessionIds.candidateOf(event.sessionId()));
    }
}
