package io.amphi.delivery.demo;

import io.amphi.delivery.catalog.ExamCatalogStore;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The demo exam, only when {@code amphi.demo.enabled} is true (the local profile). With
 * {@code amphi.demo.exam-file} set, that file is published and opened instead of the built-in demo.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "amphi.demo.enabled", havingValue = "true")
public class DemoConfiguration {

    @Bean
    DemoExam demoExam(ExamCatalogStore catalog, Clock clock, @Value("${amphi.demo.exam-file:#{null}}") Path examFile) {
        return new DemoExam(catalog, clock, examFile);
    }
}
