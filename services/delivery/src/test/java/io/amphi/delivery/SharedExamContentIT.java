package io.amphi.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.ExamContent;
import io.amphi.platform.cluster.ClusterConfigs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Published exam content is read from PostgreSQL once for the whole cluster: a replica that has
 * not parsed a version yet takes the file from the cluster's near-cached map.
 */
class SharedExamContentIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;

    @TempDir
    Path dataA;

    @TempDir
    Path dataB;

    @Test
    void aReplicaTakesPublishedContentFromItsPeersNotFromTheDatabase() {
        Clock clock = Clock.systemUTC();
        // Each replica on a database of its own: B can only have the exam through the cluster.
        try (RunningDelivery a = RunningDelivery.start(dataA, clock);
                RunningDelivery b = RunningDelivery.startBeside(a, dataB)) {
            a.openDemoExam(clock, List.of(new Enrolment(EXAM, "cand-001", Duration.ZERO)));
            ExamContent onA = a.catalog().content(EXAM, 1).orElseThrow();

            assertThat(b.jdbc().queryForObject("SELECT count(*) FROM exam_content", Integer.class))
                    .isZero();
            ExamContent onB = b.catalog().content(EXAM, 1).orElseThrow();
            assertThat(onB).usingRecursiveComparison().isEqualTo(onA);

            IMap<String, byte[]> shared = b.bean(HazelcastInstance.class).getMap(ClusterConfigs.EXAM_CONTENT_MAP);
            assertThat(shared.get(EXAM + "/1")).isNotNull();
            assertThat(shared.getLocalMapStats().getNearCacheStats().getOwnedEntryCount())
                    .as("B keeps a near-cached copy")
                    .isEqualTo(1);
            assertThat(b.catalog().content(EXAM, 2))
                    .as("an unpublished version is nowhere")
                    .isEmpty();
        }
    }
}
