package io.amphi.platform;

import java.util.Map;
import java.util.Objects;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points Spring Boot at the starting service's own configuration file ({@link AmphiService}),
 * before configuration files are read. An explicit {@code spring.config.name} still wins.
 */
public class ServiceConfigName implements EnvironmentPostProcessor, Ordered {

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER - 1;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty("spring.config.name")) {
            return;
        }
        application.getAllSources().stream()
                .filter(Class.class::isInstance)
                .map(source -> ((Class<?>) source).getAnnotation(AmphiService.class))
                .filter(Objects::nonNull)
                .findFirst()
                .ifPresent(service -> environment
                        .getPropertySources()
                        .addLast(new MapPropertySource(
                                "amphiServiceConfigName", Map.of("spring.config.name", service.value()))));
    }
}
