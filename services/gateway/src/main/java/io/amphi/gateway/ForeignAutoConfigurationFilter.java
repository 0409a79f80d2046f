package io.amphi.gateway;

import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Keeps the gateway stateless when it shares a class path with the services (the local launcher
 * runs all of them in one process): in the gateway's context, no auto-configuration of a database,
 * an event store, a cluster member or a gRPC server is applied, whatever else is on the class
 * path. Other applications in the process are left alone.
 */
public final class ForeignAutoConfigurationFilter implements AutoConfigurationImportFilter, EnvironmentAware {

    static final List<String> FOREIGN = List.of(
            "io.amphi.",
            "org.axonframework.",
            "org.springframework.boot.jdbc.",
            "org.springframework.boot.flyway.",
            "org.springframework.boot.hazelcast.",
            "org.springframework.boot.transaction.",
            "org.springframework.boot.sql.",
            "org.springframework.boot.data.");

    private boolean gateway;

    @Override
    public void setEnvironment(Environment environment) {
        gateway = GatewayApplication.CONFIG_NAME.equals(environment.getProperty("spring.config.name"));
    }

    @Override
    public boolean[] match(String[] candidates, AutoConfigurationMetadata metadata) {
        boolean[] keep = new boolean[candidates.length];
        for (int i = 0; i < candidates.length; i++) {
            String candidate = candidates[i];
            keep[i] = !gateway || candidate == null || FOREIGN.stream().noneMatch(candidate::startsWith);
        }
        return keep;
    }
}
