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
                "spring.flyway.locations", "classpath:db/migration")));
    }
}
