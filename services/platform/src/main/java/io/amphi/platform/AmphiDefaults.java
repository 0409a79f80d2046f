package io.amphi.platform;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults every Amphi service runs with, applied before anything else is configured. Above all:
 * the platform makes no outbound call its operator did not configure, so Axon's update checker
 * and its Axon Server connection are off.
 */
public class AmphiDefaults implements EnvironmentPostProcessor {

    static final String UPDATE_CHECKER_SWITCH = "axoniq.update-checker.disabled";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        System.setProperty(UPDATE_CHECKER_SWITCH, "true");
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        "amphiDefaults",
                        Map.ofEntries(
                                Map.entry(UPDATE_CHECKER_SWITCH, "true"),
                                Map.entry("axon.axonserver.enabled", "false"),
                                // Axon's handler time-outs schedule and cancel a task on one shared scheduler around
                                // every handler call, replays included: measured, that lock serialised all commands.
                                Map.entry("axon.timeout.enabled", "false"),
                                Map.entry(
                                        "spring.autoconfigure.exclude",
                                        "org.axonframework.springboot.autoconfig.UpdateCheckerAutoConfiguration"),
                                // A database that is down must cost a caller a second or two, not the pool's
                                // default 30 s: no connection free in 2 s means UNAVAILABLE, which clients retry.
                                Map.entry("spring.datasource.hikari.connection-timeout", "2000"),
                                Map.entry("spring.datasource.hikari.data-source-properties.connectTimeout", "2"),
                                // A statement waiting 30 s on a silent server (paused, cut off) gives up.
                                Map.entry("spring.datasource.hikari.data-source-properties.socketTimeout", "30"),
                                // Each service migrates its own schema with its own history (DATABASE.md), strictly:
                                // a migration missing, changed or out of order stops the service; schemas are made
                                // by the layout script with their owners, never on the fly.
                                Map.entry("spring.flyway.out-of-order", "false"),
                                Map.entry("spring.flyway.create-schemas", "false"),
                                Map.entry("spring.flyway.validate-migration-naming", "true"),
                                Map.entry("spring.flyway.clean-disabled", "true"),
                                // gRPC logs a stack trace for every message over its transport limit, a flood any
                                // client can cause; the client gets RESOURCE_EXHAUSTED all the same.
                                Map.entry(
                                        "logging.level.io.grpc.netty.shaded.io.grpc.netty.NettyServerStream",
                                        "error"))));
    }
}
