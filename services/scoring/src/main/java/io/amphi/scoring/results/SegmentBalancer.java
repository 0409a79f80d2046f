package io.amphi.scoring.results;

import com.hazelcast.core.HazelcastInstance;
import io.amphi.platform.cluster.ClusterConfigs;
import java.util.Comparator;
import java.util.List;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Spreads the results processor's segments over the scoring replicas: a replica holding more than
 * its fair share (segments / replicas in the cluster, rounded up) releases the surplus for
 * another to claim. Nothing caps what a replica claims, so when replicas go, the ones left take
 * every segment over; when replicas come, the busiest let some go.
 */
public class SegmentBalancer {

    private static final Logger log = LoggerFactory.getLogger(SegmentBalancer.class);

    private final EventProcessingConfiguration processing;
    private final HazelcastInstance hazelcast;
    private final String serviceName;
    private final int segments;

    public SegmentBalancer(
            EventProcessingConfiguration processing, HazelcastInstance hazelcast, String serviceName, int segments) {
        this.processing = processing;
        this.hazelcast = hazelcast;
        this.serviceName = serviceName;
        this.segments = segments;
    }

    @Scheduled(
            fixedDelayString = "${amphi.scoring.balance-interval:10s}",
            initialDelayString = "${amphi.scoring.balance-interval:10s}")
    public void balance() {
        StreamingEventProcessor processor = processing
                .eventProcessor(ResultsProjection.PROCESSOR, StreamingEventProcessor.class)
                .orElse(null);
        if (processor == null || !processor.isRunning()) {
            return;
        }
        long replicas = Math.max(
                1,
                hazelcast.getCluster().getMembers().stream()
                        .filter(member -> serviceName.equals(member.getAttribute(ClusterConfigs.SERVICE_ATTRIBUTE)))
                        .count());
        int fairShare = (int) Math.ceil((double) segments / replicas);
        List<Integer> held = processor.processingStatus().keySet().stream()
                .sorted(Comparator.reverseOrder())
                .toList();
        for (int surplus = held.size() - fairShare, i = 0; i < surplus; i++) {
            log.debug(
                    "Releasing segment {} of {}: {} replicas share {} segments",
                    held.get(i),
                    ResultsProjection.PROCESSOR,
                    replicas,
                    segments);
            processor.releaseSegment(held.get(i));
        }
    }
}
