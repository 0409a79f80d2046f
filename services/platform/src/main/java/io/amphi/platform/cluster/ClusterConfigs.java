package io.amphi.platform.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.config.NetworkConfig;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;

/** Builds the Hazelcast configuration of an Amphi member from its {@link ClusterProperties}. */
public final class ClusterConfigs {

    /**
     * Published exam files by "examId/version": immutable, read by every replica when a session
     * starts on an exam version it has not parsed yet, so each member keeps a near-cached copy.
     */
    public static final String EXAM_CONTENT_MAP = "exam-content";

    /** The member attribute naming the service a member belongs to, e.g. "amphi-scoring". */
    public static final String SERVICE_ATTRIBUTE = "amphi.service";

    /** Where Bucket4j's serializer type ids start; Amphi's own, if any, stay below. */
    private static final int BUCKET4J_TYPE_IDS = 10_000;

    private ClusterConfigs() {}

    public static Config memberConfig(ClusterProperties properties, String instanceName) {
        Config config = new Config()
                .setClusterName(properties.clusterName())
                .setInstanceName(instanceName)
                // No call home to the vendor: the platform makes no outbound call nobody configured.
                .setProperty("hazelcast.phone.home.enabled", "false")
                // Spring shuts the member down, after the components that use it.
                .setProperty("hazelcast.shutdownhook.enabled", "false")
                .setProperty("hazelcast.logging.type", "slf4j")
                .setProperty("hazelcast.wait.seconds.before.join", "1");
        config.getMapConfig("default").setBackupCount(properties.backupCount()).setAsyncBackupCount(0);
        config.getQueueConfig("default").setBackupCount(properties.backupCount());
        // Gates change in place by entry processors, replayed on the backup: no copy of the whole line per call.
        config.getMapConfig(Admission.MAP)
                .setInMemoryFormat(InMemoryFormat.OBJECT)
                .setBackupCount(properties.backupCount());
        config.getMapConfig(EXAM_CONTENT_MAP)
                .setBackupCount(properties.backupCount())
                .setNearCacheConfig(new NearCacheConfig(EXAM_CONTENT_MAP)
                        .setInMemoryFormat(InMemoryFormat.OBJECT)
                        .setCacheLocalEntries(true)
                        .setInvalidateOnChange(true)
                        .setEvictionConfig(new EvictionConfig()
                                .setEvictionPolicy(EvictionPolicy.LRU)
                                .setMaxSizePolicy(MaxSizePolicy.ENTRY_COUNT)
                                .setSize(1_000)));
        HazelcastProxyManager.addCustomSerializers(config.getSerializationConfig(), BUCKET4J_TYPE_IDS);

        NetworkConfig network = config.getNetworkConfig()
                .setPort(properties.port())
                .setPortAutoIncrement(true)
                .setPortCount(20);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        if (properties.kubernetesServiceDns() != null
                && !properties.kubernetesServiceDns().isBlank()) {
            join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", properties.kubernetesServiceDns());
        } else {
            config.setProperty("hazelcast.socket.bind.any", "false");
            config.setProperty("hazelcast.local.localAddress", properties.bindAddress());
            join.getTcpIpConfig().setEnabled(true).setMembers(properties.members());
        }
        return config;
    }
}
