package io.amphi.delivery.admission;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.amphi.delivery.catalog.ExamCatalogStore;
import io.amphi.platform.cluster.Admission;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import org.axonframework.eventsourcing.eventstore.EventStore;

/**
 * The door of each exam: a candidate whose session does not exist yet goes through the exam's
 * waiting room; a candidate already in their exam never waits. A session that ends makes room.
 */
public class ExamDoor {

    private final Admission admission;
    private final EventStore eventStore;
    private final LoadingCache<String, Admission.Policy> policies;

    /** @param defaults the policy of exams that have none of their own */
    public ExamDoor(Admission admission, ExamCatalogStore catalog, EventStore eventStore, Admission.Policy defaults) {
        this.admission = admission;
        this.eventStore = eventStore;
        // Looked up at every arrival during a storm, changed rarely: a few seconds of staleness is fine.
        this.policies = Caffeine.newBuilder()
                .expireAfterWrite(Duration.ofSeconds(10))
                .maximumSize(10_000)
                .build(examId -> catalog.admission(examId).orElse(defaults));
    }

    /**
     * Empty when the candidate may start (or already has a session); otherwise their place in line,
     * by the time their call arrived ({@code arrivedAtMillis}).
     */
    public Optional<Admission.Outcome> placeInLine(
            String examId, String candidateId, String sessionId, long arrivedAtMillis) {
        if (eventStore.lastSequenceNumberFor(sessionId).isPresent()) {
            return Optional.empty();
        }
        Admission.Outcome outcome = admission.enter(gate(examId), candidateId, arrivedAtMillis, policies.get(examId));
        return outcome.admitted() ? Optional.empty() : Optional.of(outcome);
    }

    /** The candidate is out (submitted, or refused at the start): their place goes to the next in line. */
    public void leave(String examId, String candidateId) {
        admission.leave(gate(examId), candidateId);
    }

    /** Which of these candidates wait in the exam's line, with their place, and how many wait in all. */
    public Admission.Waiting waiting(String examId, Collection<String> candidateIds) {
        return admission.waiting(gate(examId), candidateIds);
    }

    private static String gate(String examId) {
        return "exam/" + examId;
    }
}
