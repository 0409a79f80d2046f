package io.amphi.scoring.results;

import java.time.Duration;
import java.util.Map;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;

/**
 * Scoring learns of seals and content from the log, a moment after delivery stores them. A call
 * that finds an exam unsealed may have come in that moment: it waits until this node's segments
 * of the results projection have read the log as far as it reached when the call came in, then
 * looks again. An idle node is caught up at once, so a refusal costs no wait.
 */
public class ResultsCatchUp {

    private static final Duration POLL = Duration.ofMillis(50);

    private final EventStore eventStore;
    private final EventProcessingConfiguration processing;

    public ResultsCatchUp(EventStore eventStore, EventProcessingConfiguration processing) {
        this.eventStore = eventStore;
        this.processing = processing;
    }

    /** Waits, up to {@code patience}, until this node's projection has read the log as far as it reaches now. */
    public void awaitLogAsOfNow(Duration patience) {
        TrackingToken head = eventStore.createHeadToken();
        StreamingEventProcessor processor = processing
                .eventProcessor(ResultsProjection.PROCESSOR, StreamingEventProcessor.class)
                .orElse(null);
        if (head == null || processor == null) {
            return;
        }
        long deadline = System.nanoTime() + patience.toNanos();
        while (behind(processor.processingStatus(), head) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Whether a segment this node holds has not read every event up to {@code head}, gaps
     * included. Segments other replicas hold are not seen here: a key sent to a replica without
     * the exam's segment within a second of sealing may still be refused, and says to try again.
     */
    private static boolean behind(Map<Integer, EventTrackerStatus> segments, TrackingToken head) {
        return segments.values().stream()
                .anyMatch(segment -> segment.getTrackingToken() == null
                        || !segment.getTrackingToken().covers(head));
    }
}
