package io.amphi.platform.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three real members on loopback, configured as every Amphi service configures its own. */
class ClusterIT {

    private final ClusterProperties properties =
            new ClusterProperties("cluster-it-" + UUID.randomUUID(), "127.0.0.1", 5701, List.of("127.0.0.1"), null, 1);
    private final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void stopMembers() {
        members.stream().filter(m -> m.getLifecycleService().isRunning()).forEach(HazelcastInstance::shutdown);
    }

    private HazelcastInstance startMember(int index) {
        HazelcastInstance member =
                Hazelcast.newHazelcastInstance(ClusterConfigs.memberConfig(properties, "member-" + index));
        members.add(member);
        return member;
    }

    @Test
    void losingAMemberLosesNoSharedState() {
        HazelcastInstance first = startMember(1);
        HazelcastInstance second = startMember(2);
        HazelcastInstance third = startMember(3);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> first.getCluster().getMembers().size() == 3);

        IMap<String, Integer> shared = second.getMap("shared-state");
        for (int i = 0; i < 1_000; i++) {
            shared.put("key-" + i, i);
        }

        second.getLifecycleService().terminate();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> first.getCluster().getMembers().size() == 2);

        for (HazelcastInstance survivor : List.of(first, third)) {
            IMap<String, Integer> map = survivor.getMap("shared-state");
            assertThat(map.size()).isEqualTo(1_000);
            assertThat(map.get("key-999")).isEqualTo(999);
        }
    }

    @Test
    void membersOfAnotherClusterStayApart() {
        HazelcastInstance ours = startMember(1);
        HazelcastInstance stranger = Hazelcast.newHazelcastInstance(ClusterConfigs.memberConfig(
                new ClusterProperties(
                        "someone-else-" + UUID.randomUUID(), "127.0.0.1", 5701, List.of("127.0.0.1"), null, 1),
                "stranger"));
        members.add(stranger);

        assertThat(ours.getCluster().getMembers()).hasSize(1);
        assertThat(stranger.getCluster().getMembers()).hasSize(1);
    }

    @Test
    void neverCallsHome() {
        HazelcastInstance member = startMember(1);
        assertThat(member.getConfig().getProperty("hazelcast.phone.home.enabled"))
                .isEqualTo("false");
        assertThat(member.getCluster().getLocalMember().getAddress().getHost()).isEqualTo("127.0.0.1");
    }
}
