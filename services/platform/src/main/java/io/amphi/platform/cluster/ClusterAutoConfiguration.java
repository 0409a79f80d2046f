package io.amphi.platform.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** Every service is a member of the platform's Hazelcast cluster, which holds its shared state. */
@AutoConfiguration
@EnableConfigurationProperties(ClusterProperties.class)
public class ClusterAutoConfiguration {

    @Bean(destroyMethod = "shutdown")
    HazelcastInstance hazelcastInstance(
            ClusterProperties properties, @Value("${spring.application.name:amphi}") String serviceName) {
        Config config = ClusterConfigs.memberConfig(
                properties, serviceName + "-" + UUID.randomUUID().toString().substring(0, 8));
        config.getMemberAttributeConfig().setAttribute(ClusterConfigs.SERVICE_ATTRIBUTE, serviceName);
        return Hazelcast.newHazelcastInstance(config);
    }
}
