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
        environment.getPropertySources().addLast(new MapPropertySource("amphiDefaults", Map.of(
                UPDATE_CHECKER_SWITCH, "true",
                "axon.axonserver.enabled", "false",
                // Axon's handler time-outs schedule and cancel a task on one shared scheduler around
                // every handler call, replays included: measured, that lock serialised all commands.
                "axon.timeout.enabled", "false",
                "spring.autoconfigure.exclude",
                "org.axonframework.springboot.autoconfig.UpdateCheckerAutoConfiguration",
                "spring.flyway.locations", "classpath:db/migration",
                // Services that share a database (delivery and scoring share the event store) keep
                // one migration history; each owns a version range (platform V1, delivery V2, auth
                // V3, scoring V4) and knows only its own and the platform's migrations.
                "spring.flyway.ignore-migration-patterns", "*:missing",
                "spring.flyway.out-of-order", "true")));
    }
}
