package io.amphi.platform.cluster;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded Hazelcast member every service runs.
 *
 * @param clusterName          members join only a cluster of this name; give each environment its own
 * @param bindAddress          the address the member binds to and announces
 * @param port                 the first port tried; the next ones are tried when it is taken
 * @param members              where to look for the other members (TCP-IP discovery), when not on Kubernetes
 * @param kubernetesServiceDns on Kubernetes: the headless service whose DNS records list the members
 * @param backupCount          synchronous copies of every entry on other members, so losing that many
 *                             members at once loses no shared state
 */
@ConfigurationProperties("amphi.hazelcast")
public record ClusterProperties(
        @DefaultValue("amphi") String clusterName,
        @DefaultValue("127.0.0.1") String bindAddress,
        @DefaultValue("5701") int port,
        @DefaultValue("127.0.0.1") List<String> members,
        String kubernetesServiceDns,
        @DefaultValue("1") int backupCount) {}
